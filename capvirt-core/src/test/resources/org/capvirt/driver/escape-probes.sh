# Escape probes: every host-global write a root process without capabilities could try, each
# writing back the value it just read (or opening without writing), so that a probe that succeeds
# changes nothing. One line "PROBE NAME RESULT [why]" per probe, RESULT being succeeded, refused or
# absent (this kernel has no such file). Run as a container's init, and on the host as the control.
# Arguments: the container's cgroup path (/machine/NAME.capvirt), a directory holding the device
# nodes "disk" (a block device of the host that the host can open), "tun" (c 10:200), both outside
# the ACL, and "null" (c 1:3, in the ACL), the disk's major and minor numbers, "hold" to sleep after the last probe.
cg=$1
nodes=$2
major=$3
minor=$4

report() { # NAME RC ERRTEXT
  if [ "$2" = 0 ]; then
    echo "PROBE $1 succeeded"
  else
    echo "PROBE $1 refused $(echo "$3" | tr '\n' ' ')"
  fi
}

# w NAME PATH [VALUE]: write VALUE (default: the file's current content) back to PATH
w() {
  if [ ! -e "$2" ]; then
    echo "PROBE $1 absent"
    return
  fi
  if [ $# -ge 3 ]; then v=$3; else v=$(cat "$2"); fi
  err=$({ printf '%s\n' "$v" >"$2"; } 2>&1)
  report "$1" $? "$err"
}

# o NAME PATH: open PATH for writing without writing anything
o() {
  if [ ! -e "$2" ]; then
    echo "PROBE $1 absent"
    return
  fi
  err=$({ : >"$2"; } 2>&1)
  report "$1" $? "$err"
}

# r NAME PATH: open a device node for reading (the device cgroup decides at open)
r() {
  err=$({ : <"$2"; } 2>&1)
  report "$1" $? "$err"
}

# s NAME COMMAND...: run a command (the probe writes inside it)
s() {
  name=$1
  shift
  err=$("$@" 2>&1)
  report "$name" $? "$err"
}

thp=/sys/kernel/mm/transparent_hugepage/enabled
thp_now() { sed 's/.*\[\(.*\)\].*/\1/' "$thp"; }
burst=/proc/sys/kernel/printk_ratelimit_burst
disk=$(ls /sys/block | grep -v -e '^loop' -e '^zram' -e '^ram' | head -n 1)

echo "== MOUNTS"
for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger /proc/acpi /proc/asound \
  /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list /proc/timer_stats \
  /proc/sched_debug /proc/scsi /sys/firmware /sys/devices/virtual/powercap /sys; do
  awk -v p="$p" '$5 == p { print "MOUNT " $5 " " $6 " " $4 " " $(NF-2) }' /proc/self/mountinfo
done

echo "== PROBES"
w sysctl-kernel.core_pattern /proc/sys/kernel/core_pattern
w sysctl-kernel.modprobe /proc/sys/kernel/modprobe
w sysctl-kernel.printk_ratelimit_burst "$burst"
w sysctl-kernel.randomize_va_space /proc/sys/kernel/randomize_va_space
w sysctl-vm.swappiness /proc/sys/vm/swappiness
w sysctl-vm.overcommit_memory /proc/sys/vm/overcommit_memory
w sysctl-fs.file-max /proc/sys/fs/file-max
w sysctl-fs.protected_regular /proc/sys/fs/protected_regular
w sysctl-net.ipv4.conf.all.log_martians /proc/sys/net/ipv4/conf/all/log_martians
w sysctl-net.ipv4.ip_forward /proc/sys/net/ipv4/ip_forward
w sysctl-net.core.somaxconn /proc/sys/net/core/somaxconn
o proc-sysrq-trigger /proc/sysrq-trigger
w proc-irq-default_smp_affinity /proc/irq/default_smp_affinity
w sys-transparent_hugepage "$thp" "$(thp_now)"
w sys-ksm-run /sys/kernel/mm/ksm/run
w sys-uevent_helper /sys/kernel/uevent_helper
w sys-block-read_ahead_kb "/sys/block/$disk/queue/read_ahead_kb"
# In its own cgroup namespace a container's view of each hierarchy starts at its own cgroup: the
# own files are at the view's root, its parents' and the root's are not there to write at all.
if [ -e "/sys/fs/cgroup/memory$cg" ] || ! grep -q ' - cgroup' /proc/self/mountinfo; then
  own=$cg
  hidden=
else
  own=
  hidden=yes
fi
# h NAME PATH: as w, but a file the cgroup namespace hides (or a hierarchy its view does not
# mount) counts as refused
h() {
  if [ -n "$hidden" ] && [ ! -e "$2" ]; then
    echo "PROBE $1 refused hidden by the cgroup namespace"
    return
  fi
  w "$@"
}
w cgroup-own-devices.allow "/sys/fs/cgroup/devices$own/devices.allow" "c 1:3 rwm"
w cgroup-own-memory.limit "/sys/fs/cgroup/memory$own/memory.limit_in_bytes"
h cgroup-parent-memory.limit "/sys/fs/cgroup/memory${cg%/*}/memory.limit_in_bytes"
h cgroup-root-release_agent /sys/fs/cgroup/memory/release_agent
h cgroup2-own-max.descendants "/sys/fs/cgroup/unified$own/cgroup.max.descendants"
h cgroup2-parent-max.descendants "/sys/fs/cgroup/unified${cg%/*}/cgroup.max.descendants"
r device-host-block "$nodes/disk"
r device-tun "$nodes/tun"
s device-mknod-host-block sh -c "mknod /dev/shm/escape-disk b $major $minor; rc=\$?; rm -f /dev/shm/escape-disk; exit \$rc"
# A user namespace needs no privilege, and its creator holds every capability in it: unmapped
# (-U) its uid stays the creator's (host uid 0 without <idmap>); mapped 0 -> 0 (-Ur) it needs
# CAP_SETFCAP to map host root.
for u in U Ur; do
  s userns-$u-fresh-proc unshare -${u}mpf --mount-proc sh -c "v=\$(cat $burst) && echo \$v > $burst"
  s userns-$u-umount-proc-sys unshare -${u}m sh -c "umount -l /proc/sys 2>/dev/null; v=\$(cat $burst) && echo \$v > $burst"
done
# (sysfs refuses a mount by an unmapped uid even on the host: only the mapped variant controls)
s userns-Ur-fresh-sysfs unshare -Urmn sh -c "mount -t sysfs sysfs /sys && echo $(thp_now) > $thp"
s control-write-dev-shm sh -c 'echo x > /dev/shm/escape-control && rm /dev/shm/escape-control'
r control-device-null "$nodes/null"
# Undoing the mounts needs CAP_SYS_ADMIN over the mount namespace; these run last.
s undo-remount-proc-sys sh -c "mount -o remount,bind,rw /proc/sys 2>/dev/null; v=\$(cat $burst) && echo \$v > $burst"
s undo-remount-sys sh -c "mount -o remount,rw /sys 2>/dev/null; echo $(thp_now) > $thp"
s undo-umount-proc-sys sh -c "umount -l /proc/sys 2>/dev/null; v=\$(cat $burst) && echo \$v > $burst"
echo "== END"
if [ "${5:-}" = hold ]; then exec sleep 300; fi
