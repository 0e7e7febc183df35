# Capability probes run as a container's init: one line "probe NAME RESULT" per probe, RESULT
# being "ok" or the errno name. Each probe is harmless when it succeeds (no clock change, no
# host-visible effect outside the container's own namespaces and /dev).
import ctypes, errno, os, resource, socket, stat, sys

libc = ctypes.CDLL(None, use_errno=True)


def check(rc):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def report(name, fn):
    try:
        fn()
        result = "ok"
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e.errno))
    except ValueError:  # resource.setrlimit turns EPERM into ValueError
        result = "EPERM"
    print("probe %s %s" % (name, result), flush=True)


def other_uid_child():
    """A child running as uid 4321; it exits when the returned release() closes its pipe (a
    parent without CAP_KILL could not kill it)."""
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(done_w)
        os.setgid(4321)
        os.setuid(4321)
        os.write(ready_w, b"x")
        os.read(done_r, 1)
        os._exit(0)
    os.close(done_r)
    os.read(ready_r, 1)

    def release():
        os.close(done_w)
        os.waitpid(pid, 0)

    return pid, release


def mknod():
    os.mknod("/dev/probe-null", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    os.unlink("/dev/probe-null")


def chown():
    path = "/dev/shm/probe-chown"
    open(path, "w").close()
    os.chown(path, 4321, 4321)


def sethostname():
    check(libc.sethostname(b"probe", 5))


class Timex(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("pad", ctypes.c_long * 10), ("tick", ctypes.c_long),
                ("rest", ctypes.c_long * 30)]


def adjtime():
    # ADJ_TICK with an invalid tick: EPERM without CAP_SYS_TIME, EINVAL with it; never changes time.
    t = Timex()
    t.modes = 0x4000
    t.tick = 1
    if libc.adjtimex(ctypes.byref(t)) < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def raw_socket():
    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()


def chroot():
    os.chroot("/")


def nice():
    os.setpriority(os.PRIO_PROCESS, 0, -5)


def rlimit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 512))


def kill_other():
    pid, release = other_uid_child()
    try:
        os.kill(pid, 0)
    finally:
        release()


def ptrace_other():
    pid, release = other_uid_child()
    try:
        if libc.ptrace(16, pid, None, None) != 0:  # PTRACE_ATTACH
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
        os.waitpid(pid, os.WUNTRACED)
        libc.ptrace(17, pid, None, 0)  # PTRACE_DETACH
    finally:
        release()


def reboot():
    # LINUX_REBOOT_CMD_CAD_ON: EINVAL inside a PID namespace when allowed, EPERM when not.
    check(libc.reboot(0x89ABCDEF))


def switch_id(setter):
    """Calls setter(4321) in a child (the parent stays root); raises its errno."""
    pid = os.fork()
    if pid == 0:
        try:
            setter(4321)
            os._exit(0)
        except OSError as e:
            os._exit(e.errno)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code:
        raise OSError(code, os.strerror(code))


PROBES = {
    "mknod": mknod, "chown": chown, "sys_admin": sethostname, "sys_time": adjtime,
    "net_raw": raw_socket, "sys_chroot": chroot, "sys_nice": nice, "sys_resource": rlimit,
    "kill": kill_other, "sys_ptrace": ptrace_other, "sys_boot": reboot,
    "setuid": lambda: switch_id(os.setuid), "setgid": lambda: switch_id(os.setgid),
}

for name in sys.argv[1:]:
    report(name, PROBES[name])
print("probes done", flush=True)
