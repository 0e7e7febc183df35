# Sourced by ./capvirt, ./run-tests and .ci/run: finds a JDK >= 25 and an OCI runtime.

# capvirt_find_jdk: prints a JAVA_HOME whose java is version 25 or newer.
capvirt_find_jdk() {
  local c v
  for c in "${CAPVIRT_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 \
           $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV) \
           "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      echo "${c%/}"
      return 0
    fi
  done
  echo "capvirt: no JDK 25 or newer found (looked at CAPVIRT_JAVA_HOME, JAVA_HOME and /usr/lib/jvm); install one (e.g. Temurin 25) and set JAVA_HOME" >&2
  return 1
}

# The JDK modules capvirt needs (jdeps: java.base, java.desktop, java.sql; java.xml comes with
# java.desktop): what the Java runtime of ./capvirt and of the Debian package holds.
CAPVIRT_RUNTIME_MODULES=java.base,java.xml,java.desktop,java.management,java.sql

# capvirt_jlink JAVA_HOME OUT [JLINK OPTION...]: a Java runtime of those modules alone in OUT. A
# JVM whose boot layer holds 9 modules, not the JDK's 69, starts sooner: its archived module graph
# and its AOT cache are smaller (on the project's VM, in two runs of 40: a create 1.4 and 4.6 ms
# sooner, a destroy 8.5 and 5.3 ms).
capvirt_jlink() {
  local jdk=$1 out=$2
  shift 2
  [ -x "$jdk/bin/jlink" ] || return 1
  "$jdk/bin/jlink" --add-modules "$CAPVIRT_RUNTIME_MODULES" --strip-debug --no-header-files \
    --no-man-pages "$@" --output "$out"
}

# capvirt_aot_opts JAVA: prints the options a run of JAVA from its AOT cache gets (the launchers of
# ./capvirt and of the Debian package), those of them JAVA takes. -XX:-AOTReplayTraining (HotSpot
# 25, a diagnostic option): the training's method profiles are not replayed. With C1 only they
# steer no compilation, and their replay thread was woken at each class initialisation (~400 times
# in a create; the main thread's context switches 578 -> 148 without it; create 4-8 ms sooner in
# paired runs of 30-60).
capvirt_aot_opts() {
  local replay="-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining"
  # shellcheck disable=SC2086 # two options, split on purpose
  if "$1" $replay -version >/dev/null 2>&1; then echo "$replay"; fi
}

# capvirt_ensure_runtime: installs runc (the OCI runtime), conmon (the per-container monitor:
# console, timestamped log, exit status) and rotatelogs (apache2-utils: the init log's size limit
# without conmon) from the distribution when they are missing.
capvirt_ensure_runtime() {
  local need=()
  command -v runc >/dev/null 2>&1 || need+=(runc)
  command -v conmon >/dev/null 2>&1 || need+=(conmon)
  command -v rotatelogs >/dev/null 2>&1 || need+=(apache2-utils)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "capvirt: ${need[*]} missing and only root can install it (apt-get install ${need[*]})" >&2
    command -v runc >/dev/null 2>&1
    return
  fi
  echo "capvirt: installing ${need[*]} (apt-get install ${need[*]})" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } >&2 || true
  # without rotatelogs or conmon a start still works (with a warning that the log has no size limit)
  command -v runc >/dev/null 2>&1
}

# capvirt_ensure_cc: installs gcc (capvirt-core's JNI library, libcapvirt.so, is C) when missing.
capvirt_ensure_cc() {
  command -v gcc >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "capvirt: gcc missing and only root can install it (apt-get install gcc libc6-dev)" >&2
    return 1
  fi
  echo "capvirt: installing gcc libc6-dev (apt-get install gcc libc6-dev)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev; } >&2 || true
  command -v gcc >/dev/null 2>&1
}

# capvirt_maven_env JAVA_HOME: quiet Maven's own warnings on JDK 24+ (its bundled Guava uses Unsafe).
capvirt_maven_env() {
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  export JAVA_HOME="$1"
  if [ "${v%%.*}" -ge 24 ] 2>/dev/null; then
    case " ${MAVEN_OPTS:-} " in *unsafe-memory-access*) ;; *)
      export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}
