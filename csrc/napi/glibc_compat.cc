// Keeps the prebuilt addon loadable on old glibc (Jetson and Raspberry Pi images, CentOS 7).
//
// libstdc++ is linked statically (no dependency on the build machine's libstdc++), but its archive
// was built against this machine's glibc and references symbols that only recent glibc has:
// pthread_* moved into libc at GLIBC_2.34, __libc_single_threaded (2.32), getentropy (2.25),
// arc4random (2.36). Defining them here (hidden) binds those references inside the addon instead:
// the pthread functions forward to their oldest versioned symbols (in libpthread on old glibc,
// kept for compatibility in libc on new glibc), and the others take the conservative path (assume
// threads exist; ask the kernel for entropy). The unwinder comes from the system's libgcc_s (a
// static libgcc_eh would need _dl_find_object, GLIBC_2.35).
// The addon names libpthread.so.0 as needed (binding.gyp), where old glibc keeps those symbols.
// `npm test` checks the highest GLIBC_ version the prebuild needs (2.17: clock_gettime).
#include <cstddef>  // defines __GLIBC__ on glibc systems
#include <cstdint>

#if defined(__linux__) && defined(__GLIBC__) && !defined(EI8_NO_GLIBC_COMPAT)

#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define EI8_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define EI8_GLIBC_BASE "GLIBC_2.17"
#elif defined(__arm__)
#define EI8_GLIBC_BASE "GLIBC_2.4"
#endif

#ifdef EI8_GLIBC_BASE

#define EI8_HIDDEN __attribute__((visibility("hidden")))

// extern "C" int NAME(ARGS): forwards to NAME@EI8_GLIBC_BASE.
#define EI8_FORWARD(ret, name, params, args)                              \
  extern "C" ret ei8_old_##name params;                                  \
  __asm__(".symver ei8_old_" #name ", " #name "@" EI8_GLIBC_BASE);        \
  extern "C" EI8_HIDDEN ret name params { return ei8_old_##name args; }

using ei8_start_fn = void* (*)(void*);
using ei8_destructor_fn = void (*)(void*);
using ei8_once_fn = void (*)();

EI8_FORWARD(int, pthread_create, (void* thread, const void* attr, ei8_start_fn start, void* arg),
            (thread, attr, start, arg))
EI8_FORWARD(int, pthread_detach, (unsigned long thread), (thread))
EI8_FORWARD(int, pthread_join, (unsigned long thread, void** result), (thread, result))
EI8_FORWARD(int, pthread_key_create, (unsigned* key, ei8_destructor_fn destructor), (key, destructor))
EI8_FORWARD(int, __pthread_key_create, (unsigned* key, ei8_destructor_fn destructor), (key, destructor))
EI8_FORWARD(int, pthread_key_delete, (unsigned key), (key))
EI8_FORWARD(void*, pthread_getspecific, (unsigned key), (key))
EI8_FORWARD(int, pthread_setspecific, (unsigned key, const void* value), (key, value))
EI8_FORWARD(int, pthread_once, (int* once, ei8_once_fn init), (once, init))

// libstdc++ skips atomic reference counting when this is non-zero: always use atomics.
extern "C" {
EI8_HIDDEN char __libc_single_threaded = 0;
}

// Reached only through std::random_device, which edge-int8 never uses; kernel entropy regardless.
extern "C" EI8_HIDDEN int getentropy(void* buffer, size_t length) {
  return syscall(SYS_getrandom, buffer, length, 0) == static_cast<long>(length) ? 0 : -1;
}

extern "C" EI8_HIDDEN uint32_t arc4random(void) {
  uint32_t v = 0;
  if (getentropy(&v, sizeof(v)) != 0) v = static_cast<uint32_t>(getpid());
  return v;
}

#endif  // EI8_GLIBC_BASE
#endif
