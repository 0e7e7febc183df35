/*
 * libcapvirt.so: the system calls capvirt makes that the JDK has no API for (bpf(2) for the
 * cgroup v2 device program, ioctl(2) for loop devices), as one JNI entry point behind
 * org.capvirt.runtime.Syscall. It knows no command: Java lays out every argument structure and
 * names where one buffer's address goes into another, so all knowledge of the kernel's structures
 * stays in Java, next to its tests.
 *
 * Syscall.call0(nr, args, argBuffers, buffers, links):
 *   buffers     byte arrays, copied into native memory (8-byte aligned) before the call and back
 *               into the arrays after it, whatever the outcome;
 *   links       triples (from, into, offset): the address of buffers[from] is written, as 8
 *               bytes in host order, at buffers[into] + offset, before the call;
 *   args[k]     the k-th argument of syscall(nr, ...), or, where argBuffers[k] >= 0, the address
 *               of buffers[argBuffers[k]];
 * and returns the result, or -errno when the kernel failed the call. Bad indices, offsets or sizes
 * throw IllegalArgumentException and make no call.
 *
 * Syscall.spawn0(argv, envp, dir, fds): posix_spawnp(3) of argv (NUL-terminated byte strings,
 * argv[0] looked up on PATH) with exactly envp as its environment, in dir (NUL-terminated, or null
 * for the caller's), its stdin, stdout and stderr fds[0..2] and no other descriptor, every signal
 * at its default action and none blocked; returns the child's pid, or -errno when it could not be
 * started (glibc reports a failed exec). The caller waits for it (pidfd_open, wait4).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARGS 4
#define MAX_BUFFERS 8
#define MAX_BUFFER_BYTES (1 << 20)

static void illegal(JNIEnv *env, const char *message) {
  jclass c = (*env)->FindClass(env, "java/lang/IllegalArgumentException");
  if (c != NULL) {
    (*env)->ThrowNew(env, c, message);
  }
}

JNIEXPORT jlong JNICALL Java_org_capvirt_runtime_Syscall_call0(
    JNIEnv *env, jclass cls, jlong nr, jlongArray jargs, jintArray jargBuffers,
    jobjectArray jbuffers, jintArray jlinks) {
  (void) cls;
  jlong args[ARGS];
  jint argBuffers[ARGS];
  jint links[3 * MAX_BUFFERS];
  void *mem[MAX_BUFFERS] = {0};
  jsize size[MAX_BUFFERS] = {0};
  jlong result = 0;

  if ((*env)->GetArrayLength(env, jargs) != ARGS ||
      (*env)->GetArrayLength(env, jargBuffers) != ARGS) {
    illegal(env, "syscall: exactly 4 arguments");
    return 0;
  }
  jsize n = (*env)->GetArrayLength(env, jbuffers);
  jsize nlinks = (*env)->GetArrayLength(env, jlinks);
  if (n > MAX_BUFFERS || nlinks % 3 != 0 || nlinks > 3 * MAX_BUFFERS) {
    illegal(env, "syscall: at most 8 buffers, and links in triples");
    return 0;
  }
  (*env)->GetLongArrayRegion(env, jargs, 0, ARGS, args);
  (*env)->GetIntArrayRegion(env, jargBuffers, 0, ARGS, argBuffers);
  (*env)->GetIntArrayRegion(env, jlinks, 0, nlinks, links);

  for (jsize i = 0; i < n; i++) {
    jbyteArray b = (jbyteArray) (*env)->GetObjectArrayElement(env, jbuffers, i);
    if (b == NULL) {
      illegal(env, "syscall: a null buffer");
      goto out;
    }
    size[i] = (*env)->GetArrayLength(env, b);
    if (size[i] > MAX_BUFFER_BYTES) {
      (*env)->DeleteLocalRef(env, b);
      illegal(env, "syscall: a buffer larger than 1 MiB");
      goto out;
    }
    /* malloc's alignment (16 on x86_64) covers every kernel structure */
    mem[i] = calloc(1, size[i] > 0 ? (size_t) size[i] : 1);
    if (mem[i] == NULL) {
      (*env)->DeleteLocalRef(env, b);
      jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
      if (oom != NULL) {
        (*env)->ThrowNew(env, oom, "syscall: no native memory for a buffer");
      }
      goto out;
    }
    (*env)->GetByteArrayRegion(env, b, 0, size[i], (jbyte *) mem[i]);
    (*env)->DeleteLocalRef(env, b);
  }
  for (jsize l = 0; l < nlinks; l += 3) {
    jint from = links[l], into = links[l + 1], offset = links[l + 2];
    if (from < 0 || from >= n || into < 0 || into >= n || offset < 0 ||
        (jlong) offset + 8 > (jlong) size[into]) {
      illegal(env, "syscall: a link outside its buffers");
      goto out;
    }
    uint64_t address = (uint64_t) (uintptr_t) mem[from];
    memcpy((char *) mem[into] + offset, &address, sizeof address);
  }
  long a[ARGS];
  for (int k = 0; k < ARGS; k++) {
    if (argBuffers[k] >= n) {
      illegal(env, "syscall: an argument names a buffer that is not there");
      goto out;
    }
    a[k] = argBuffers[k] >= 0 ? (long) (uintptr_t) mem[argBuffers[k]] : (long) args[k];
  }

  errno = 0;
  long r = syscall((long) nr, a[0], a[1], a[2], a[3]);
  result = r == -1 ? -(jlong) errno : (jlong) r;

  for (jsize i = 0; i < n; i++) {
    jbyteArray b = (jbyteArray) (*env)->GetObjectArrayElement(env, jbuffers, i);
    (*env)->SetByteArrayRegion(env, b, 0, size[i], (const jbyte *) mem[i]);
    (*env)->DeleteLocalRef(env, b);
  }
out:
  for (jsize i = 0; i < n; i++) {
    free(mem[i]);
  }
  return result;
}

JNIEXPORT jstring JNICALL Java_org_capvirt_runtime_Syscall_strerror0(
    JNIEnv *env, jclass cls, jint errnum) {
  (void) cls;
  char buf[256];
  return (*env)->NewStringUTF(env, strerror_r(errnum, buf, sizeof buf));
}

#define MAX_WORDS 4096

/* The byte strings of jwords as a NULL-terminated vector; NULL (and an exception) on a bad one. */
static char **words(JNIEnv *env, jobjectArray jwords, const char *what) {
  jsize n = (*env)->GetArrayLength(env, jwords);
  if (n > MAX_WORDS) {
    illegal(env, what);
    return NULL;
  }
  char **v = calloc((size_t) n + 1, sizeof *v);
  if (v == NULL) {
    illegal(env, "spawn: no native memory");
    return NULL;
  }
  for (jsize i = 0; i < n; i++) {
    jbyteArray b = (jbyteArray) (*env)->GetObjectArrayElement(env, jwords, i);
    jsize len = b == NULL ? 0 : (*env)->GetArrayLength(env, b);
    if (b == NULL || len == 0 || len > MAX_BUFFER_BYTES) {
      illegal(env, what);
      goto bad;
    }
    v[i] = malloc((size_t) len);
    if (v[i] == NULL) {
      illegal(env, "spawn: no native memory");
      goto bad;
    }
    (*env)->GetByteArrayRegion(env, b, 0, len, (jbyte *) v[i]);
    (*env)->DeleteLocalRef(env, b);
    if (memchr(v[i], 0, (size_t) len) != v[i] + len - 1) {
      illegal(env, what);
      goto bad;
    }
  }
  return v;
bad:
  for (jsize i = 0; i < n; i++) {
    free(v[i]);
  }
  free(v);
  return NULL;
}

static void freeWords(char **v) {
  if (v != NULL) {
    for (char **w = v; *w != NULL; w++) {
      free(*w);
    }
    free(v);
  }
}

JNIEXPORT jlong JNICALL Java_org_capvirt_runtime_Syscall_spawn0(
    JNIEnv *env, jclass cls, jobjectArray jargv, jobjectArray jenvp, jbyteArray jdir,
    jintArray jfds) {
  (void) cls;
  jint fds[3];
  char dir[4096];
  jlong result = -EINVAL;
  if ((*env)->GetArrayLength(env, jfds) != 3 || (*env)->GetArrayLength(env, jargv) == 0) {
    illegal(env, "spawn: a program, and exactly 3 descriptors");
    return 0;
  }
  (*env)->GetIntArrayRegion(env, jfds, 0, 3, fds);
  if (jdir != NULL) {
    jsize len = (*env)->GetArrayLength(env, jdir);
    if (len == 0 || len > (jsize) sizeof dir) {
      illegal(env, "spawn: a directory name that is empty or too long");
      return 0;
    }
    (*env)->GetByteArrayRegion(env, jdir, 0, len, (jbyte *) dir);
    if (memchr(dir, 0, (size_t) len) != dir + len - 1) {
      illegal(env, "spawn: a directory name that is not one NUL-terminated string");
      return 0;
    }
  }
  char **argv = words(env, jargv, "spawn: an argument that is not one NUL-terminated string");
  if (argv == NULL) {
    return 0;
  }
  char **envp = words(env, jenvp, "spawn: a variable that is not one NUL-terminated string");
  if (envp == NULL) {
    freeWords(argv);
    return 0;
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  int e = posix_spawn_file_actions_init(&actions);
  if (e != 0) {
    result = -e;
    goto words;
  }
  e = posix_spawnattr_init(&attr);
  if (e != 0) {
    result = -e;
    goto actions;
  }
  for (int i = 0; i < 3 && e == 0; i++) {
    e = posix_spawn_file_actions_adddup2(&actions, fds[i], i);
  }
  if (e == 0) {
    e = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  }
  if (e == 0 && jdir != NULL) {
    e = posix_spawn_file_actions_addchdir_np(&actions, dir);
  }
  if (e == 0) {
    e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  if (e == 0) {
    e = posix_spawnattr_setsigmask(&attr, &none);
  }
  if (e == 0) {
    e = posix_spawnattr_setsigdefault(&attr, &all);
  }
  pid_t pid = 0;
  if (e == 0) {
    e = posix_spawnp(&pid, argv[0], &actions, &attr, argv, envp);
  }
  result = e == 0 ? (jlong) pid : -(jlong) e;
  posix_spawnattr_destroy(&attr);
actions:
  posix_spawn_file_actions_destroy(&actions);
words:
  freeWords(argv);
  freeWords(envp);
  return result;
}
