// The JS object of one kind of native weights (packed dense, sparse, codebook). It owns one
// reference to the core's object, reports the object's bytes to V8, and holds an id in the
// environment's WeightsTable: the matmul calls receive that id (weights_table.h).
//
// A kind supplies traits K:
//   using Type;                                     the core's object (reference counted)
//   static constexpr WeightsKind kKind;
//   static constexpr const char* kClass;            JS class name, e.g. "NativePacked"
//   static constexpr const char* kName, kFrom;      for messages: "PackedWeights", "packWeights()"
//   static void retain(Type*), release(Type*);  static size_t bytes(const Type*);
//   static constexpr const char* kDescribe;         name of an extra method, or nullptr
//   static Napi::Value describe(Napi::Env, Type*);  what that method returns
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "napi/addon_data.h"
#include "napi/args.h"
#include "napi/weights_table.h"

namespace ei8napi {

template <class K>
class NativeWeights : public Napi::ObjectWrap<NativeWeights<K>> {
 public:
  using Type = typename K::Type;

  // A new JS object that adopts `w` (the caller's reference); `w` is released if that fails.
  static Napi::Object Wrap(Napi::Env env, Type* w) {
    Napi::External<Type> ext = Napi::External<Type>::New(env, w);
    pending_ = w;
    try {
      return Class(env).New({ext});
    } catch (...) {
      if (pending_ == w) K::release(w);  // not adopted by an object
      pending_ = nullptr;
      throw;
    }
  }

  // The weights whose id is argument i, with one more reference for the caller to release.
  static Type* Take(const Args& args, size_t i, const char* name) {
    double id = 0;
    void* ptr = nullptr;
    WeightsTable::Found found = WeightsTable::Found::NOT_AN_ID;
    if (napi_get_value_double(args.env(), args.value(i), &id) == napi_ok)
      found = AddonData::Get(args.env()).weights->find(id, K::kKind, &ptr);
    if (found == WeightsTable::Found::GONE) args.throw_type(std::string(name) + " was disposed", kDisposed);
    if (found != WeightsTable::Found::LIVE)
      args.throw_type(std::string(name) + " must be " + K::kName + " from " + K::kFrom);
    Type* w = static_cast<Type*>(ptr);
    K::retain(w);
    return w;
  }

  // Constructed only by Wrap, which passes the object as an External: script holding the class
  // (obj.constructor) cannot wrap a pointer of its choosing.
  explicit NativeWeights(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeWeights<K>>(info) {
    if (info.Length() != 1 || !info[0].IsExternal() || pending_ == nullptr ||
        info[0].As<Napi::External<Type>>().Data() != pending_)
      throw make_type_error(info.Env(), std::string(K::kClass) + " cannot be constructed directly");
    table_ = AddonData::Get(info.Env()).weights;
    id_ = table_->add(K::kKind, pending_);
    if (id_ == 0) throw make_range_error(info.Env(), "too many live weights objects", kOutOfMemory);
    w_ = pending_;
    pending_ = nullptr;
    reported_ = static_cast<int64_t>(K::bytes(w_));
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), reported_);
  }

  // The table outlives the environment's data if it must: finalizers may run after it is freed.
  ~NativeWeights() override { Release(this->Env()); }

 private:
  static inline thread_local Type* pending_ = nullptr;

  static Napi::Function Class(Napi::Env env) {
    Napi::FunctionReference& ctor = AddonData::Get(env).weights_ctors[static_cast<size_t>(K::kKind)];
    if (ctor.IsEmpty()) {
      std::vector<typename Napi::ObjectWrap<NativeWeights<K>>::PropertyDescriptor> methods = {
          NativeWeights::InstanceMethod("id", &NativeWeights::Id),
          NativeWeights::InstanceMethod("dispose", &NativeWeights::Dispose),
          NativeWeights::InstanceMethod("bytes", &NativeWeights::Bytes)};
      if (K::kDescribe) methods.push_back(NativeWeights::InstanceMethod(K::kDescribe, &NativeWeights::Describe));
      ctor = Napi::Persistent(NativeWeights::DefineClass(env, K::kClass, methods));
    }
    return ctor.Value();
  }

  // Gives the weights back: their id, their reference, and the bytes reported to V8.
  void Release(Napi::Env env) {
    if (!w_) return;
    table_->remove(id_);
    K::release(w_);
    w_ = nullptr;
    Napi::MemoryManagement::AdjustExternalMemory(env, -reported_);
  }

  Type* live(const Napi::CallbackInfo& info) const {
    if (!w_) throw make_type_error(info.Env(), std::string(K::kName) + ": used after dispose()", kDisposed);
    return w_;
  }

  Napi::Value Id(const Napi::CallbackInfo& info) {
    live(info);
    return Napi::Number::New(info.Env(), id_);
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    Release(info.Env());
    return info.Env().Undefined();
  }

  Napi::Value Bytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(K::bytes(live(info))));
  }

  Napi::Value Describe(const Napi::CallbackInfo& info) { return K::describe(info.Env(), live(info)); }

  Type* w_ = nullptr;
  int64_t reported_ = 0;
  double id_ = 0;
  std::shared_ptr<WeightsTable> table_;
};

}  // namespace ei8napi
