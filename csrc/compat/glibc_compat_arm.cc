// Keeps the ARM Linux prebuilds loadable on old glibc (Raspberry Pi OS bullseye and Ubuntu 20.04 /
// Jetson L4T 35 run glibc 2.31, L4T 32 runs 2.27) although they are linked against the cross
// toolchain's newer glibc, with libstdc++ and libgcc linked statically.
//
// The link (binding.gyp, ldflags from sources-arm.gypi: arm_linux_ldflags) passes
// -Wl,--wrap=SYMBOL for each symbol below, so that every reference to SYMBOL, ours and those of the
// static libstdc++/libgcc_eh, goes to __wrap_SYMBOL here instead, which
//  - calls the architecture's first version of the function (GLIBC_2.17 on AArch64, GLIBC_2.4 on
//    ARM EABI): glibc 2.34 moved the pthread functions into libc under a new version but kept the
//    old one, which older systems provide from libpthread (loaded by node itself);
//  - or replaces what older glibc lacks: __libc_single_threaded (2.32) reads as "not single
//    threaded" (libstdc++ then always uses atomic reference counts, which is always correct);
//    arc4random (2.36) and getentropy (2.25), reachable only through std::random_device, use the
//    getrandom system call; _dl_find_object (2.35), which libgcc's unwinder uses to find the
//    .eh_frame_hdr of the code that threw, is answered from dl_iterate_phdr.
// scripts/prebuild-cross.mjs prints the highest GLIBC_ version left (objdump -T).
#if defined(__linux__) && (defined(__aarch64__) || defined(__arm__))

#include <features.h>

#if defined(__GLIBC__)

#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__aarch64__)
#define EI8_GLIBC_BASE "GLIBC_2.17"
#else
#define EI8_GLIBC_BASE "GLIBC_2.4"
#endif

// __wrap_NAME calls NAME@EI8_GLIBC_BASE (bound through the alias ei8_old_NAME).
#define EI8_OLD_VERSION(ret, name, params, args)                       \
  ret ei8_old_##name params;                                           \
  __asm__(".symver ei8_old_" #name ", " #name "@" EI8_GLIBC_BASE);     \
  ret __wrap_##name params { return ei8_old_##name args; }

extern "C" {

EI8_OLD_VERSION(int, pthread_create,
                (pthread_t * t, const pthread_attr_t* attr, void* (*fn)(void*), void* arg), (t, attr, fn, arg))
EI8_OLD_VERSION(int, pthread_detach, (pthread_t t), (t))
EI8_OLD_VERSION(int, pthread_join, (pthread_t t, void** ret), (t, ret))
EI8_OLD_VERSION(int, pthread_key_create, (pthread_key_t * key, void (*dtor)(void*)), (key, dtor))
EI8_OLD_VERSION(int, __pthread_key_create, (pthread_key_t * key, void (*dtor)(void*)), (key, dtor))
EI8_OLD_VERSION(int, pthread_key_delete, (pthread_key_t key), (key))
EI8_OLD_VERSION(int, pthread_once, (pthread_once_t * once, void (*fn)(void)), (once, fn))
EI8_OLD_VERSION(void*, pthread_getspecific, (pthread_key_t key), (key))
EI8_OLD_VERSION(int, pthread_setspecific, (pthread_key_t key, const void* value), (key, value))

char __wrap___libc_single_threaded = 0;

static int fill_random(void* buf, size_t len) {
  unsigned char* p = static_cast<unsigned char*>(buf);
  while (len > 0) {
    const long n = syscall(SYS_getrandom, p, len, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return 0;
}

int __wrap_getentropy(void* buf, size_t len) {
  if (len > 256) {
    errno = EIO;
    return -1;
  }
  return fill_random(buf, len);
}

uint32_t __wrap_arc4random(void) {
  uint32_t v = 0;
  while (fill_random(&v, sizeof v) != 0) {
  }
  return v;
}

#if __GLIBC_PREREQ(2, 35)
#include <dlfcn.h>

struct Ei8FindObject {
  uintptr_t pc;
  struct dl_find_object* out;
  int found;
};

static int find_object(struct dl_phdr_info* info, size_t, void* data) {
  Ei8FindObject* f = static_cast<Ei8FindObject*>(data);
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  const void* eh = nullptr;
  int eh_count = 0;
  bool contains = false;
  for (size_t i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD) {
      if (start < lo) lo = start;
      if (start + ph.p_memsz > hi) hi = start + ph.p_memsz;
      if (f->pc >= start && f->pc < start + ph.p_memsz) contains = true;
#if defined(__arm__)
    } else if (ph.p_type == PT_ARM_EXIDX) {
      eh = reinterpret_cast<const void*>(start);
      eh_count = static_cast<int>(ph.p_memsz / 8);
#else
    } else if (ph.p_type == PT_GNU_EH_FRAME) {
      eh = reinterpret_cast<const void*>(start);
#endif
    }
  }
  if (!contains) return 0;
  f->out->dlfo_map_start = reinterpret_cast<void*>(lo);
  f->out->dlfo_map_end = reinterpret_cast<void*>(hi);
  f->out->dlfo_eh_frame = const_cast<void*>(eh);
#if DLFO_STRUCT_HAS_EH_COUNT
  f->out->dlfo_eh_count = eh_count;
#endif
  (void)eh_count;
  f->found = 1;
  return 1;
}

int __wrap__dl_find_object(void* pc, struct dl_find_object* result) {
  memset(result, 0, sizeof *result);
  Ei8FindObject f{reinterpret_cast<uintptr_t>(pc), result, 0};
  dl_iterate_phdr(find_object, &f);
  return f.found ? 0 : -1;
}
#endif

}  // extern "C"

#endif  // __GLIBC__
#endif
