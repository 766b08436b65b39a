// CAF 0.17.6's TLS session (libcaf_openssl) neither empties OpenSSL's per-thread error queue
// before SSL_read, SSL_write, SSL_connect and SSL_accept, nor (with CAF's logging compiled out, as
// Debian builds it) drains it after a failure. SSL_get_error() reads that queue: a peer that
// drops its connection without a TLS close_notify (a console that exits, a killed node) leaves an
// "unexpected eof" there, and the next call of ANY other connection on the same multiplexer
// thread that merely would block is taken for a failure, so a healthy node-to-node connection is
// closed (seen as members flapping down and up each time a console disconnected).
//
// These definitions come first in the process's symbol lookup (an executable's dynamic symbols
// precede libssl's), so libcaf_openssl calls them; each empties the queue, as OpenSSL's manual
// asks before every TLS I/O call, and calls libssl's own.
#include "transport.hpp"

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class Fn>
Fn libssl(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static const auto real = libssl<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static const auto real = libssl<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_connect(SSL* ssl) {
  static const auto real = libssl<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return real(ssl);
}

int SSL_accept(SSL* ssl) {
  static const auto real = libssl<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return real(ssl);
}

} // extern "C"

namespace cs {

// Referenced by enable_tls(): a static library's object file is linked only when something in it
// is used, and these wrappers are used by libcaf_openssl, which the linker does not look into.
void link_openssl_error_queue_fix() {}

} // namespace cs
