// Beast sessions, the acceptor and the signals. One strand per connection: its socket, its timer
// and its handlers never run concurrently. Timeouts use the session's own timer (not the stream's)
// so a late request can still be told 408 before the connection closes.
//
// Bounds (what one connection can make the server hold, whatever it sends):
//  1. The read buffer has a maximum size (header_limit + kReadSlack). Beast 1.74's parser bounds
//     the header by header_limit but not a chunk header (chunk-size line with its extensions):
//     it keeps asking for more. With the buffer bounded, such a read fails with buffer_overflow
//     and the client is told 413. The body goes from the buffer into the body string as it comes
//     (body_limit bounds that), so the buffer only ever holds one unparsed header line or block.
//  2. A connection with no request started lives idle_timeout (at most header_timeout); one that
//     started a request has header_timeout for its headers and body_timeout for its body.
//  3. At most max_connections at once, and at most max_connections_per_address from one address.
//
// Requests that commit to disk before they answer (Service::durable: capacity, case transitions,
// reload) run on a pool of their own (ServerOptions::writer_threads): a request thread never waits
// for an fsync, so lookups go on while writes wait for the disk; the answer is written back on the
// session's strand.
#include "server/http_server.hpp"

#include "i18n/text.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <map>
#include <unordered_map>
#include <vector>

namespace nrm::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using api::ErrorCode;

namespace {

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

namespace detail {

class Session;

// Read-buffer room beyond the header limit, so a header just over the limit is reported as such.
constexpr std::size_t kReadSlack = 1024;

struct ServerImpl {
  ServerImpl(Service& s, ServerOptions o)
      : service(s),
        opt(std::move(o)),
        ioc(opt.threads),
        writers(static_cast<std::size_t>(std::max(1, opt.writer_threads))),
        strand(net::make_strand(ioc)),
        acceptor(strand),
        signals(strand, SIGTERM, SIGINT, SIGHUP),
        drain_timer(strand),
        retry_timer(strand) {}

  void listen();
  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void admit(tcp::socket socket);
  void wait_signal();
  void begin_drain();
  void session_closed();

  Service& service;
  ServerOptions opt;
  // Declared before ioc: sessions destroyed with ioc's pending handlers still use them.
  std::mutex mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::map<net::ip::address, std::size_t> per_address;  // open connections by client address
  std::atomic<std::size_t> open{0};
  std::atomic<bool> draining{false};
  std::atomic<bool> finished{false};  // run() has returned: post nothing more
  net::io_context ioc;
  net::thread_pool writers;  // durable requests; destroyed (joined) before ioc
  net::strand<net::io_context::executor_type> strand;  // acceptor, signals, drain
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer drain_timer;
  net::steady_timer retry_timer;
  std::string address;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // The caller has counted the connection in server.per_address[peer] (and in server.open).
  Session(tcp::socket socket, ServerImpl& server, net::ip::address peer)
      : stream_(std::move(socket)),
        timer_(stream_.get_executor()),
        server_(server),
        peer_(peer),
        buffer_(server.opt.header_limit + kReadSlack) {
    server_.service.metrics().connection_opened();
  }

  ~Session() {
    {
      std::lock_guard lock(server_.mu);
      server_.sessions.erase(this);
      auto it = server_.per_address.find(peer_);
      if (it != server_.per_address.end() && --it->second == 0) server_.per_address.erase(it);
    }
    server_.service.metrics().connection_closed();
    server_.session_closed();
  }

  void start() {
    {
      std::lock_guard lock(server_.mu);
      server_.sessions.emplace(this, weak_from_this());
    }
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read_header, shared_from_this()));
  }

  // On SIGTERM: a keep-alive connection waiting for its next request closes now; one mid-request
  // finishes it, and one accepted but not yet asked anything gets its first request answered
  // (within idle_timeout). Every answer from now on says Connection: close.
  void drain() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->reading_header_ && self->served_ > 0 && !self->received_some()) self->cancel();
    });
  }

 private:
  bool received_some() const { return buffer_.size() > 0 || (parser_ && parser_->got_some()); }

  void cancel() {
    beast::error_code ec;
    stream_.socket().cancel(ec);
  }

  // Fires after `d`; with `then` > 0, a connection that has received some of a request by then
  // gets `then` more (the rest of the header timeout) instead of being cut.
  void arm(std::chrono::milliseconds d, std::chrono::milliseconds then = std::chrono::milliseconds(0)) {
    timed_out_ = false;
    unsigned gen = ++timer_gen_;
    timer_.expires_after(d);
    timer_.async_wait([self = shared_from_this(), gen, then](beast::error_code ec) {
      if (ec || gen != self->timer_gen_) return;
      if (then.count() > 0 && self->received_some()) return self->arm(then);
      self->timed_out_ = true;
      self->cancel();
    });
  }

  void disarm() {
    ++timer_gen_;
    timer_.cancel();
  }

  void read_header() {
    if (server_.draining && served_ > 0) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.opt.header_limit));
    parser_->body_limit(server_.opt.body_limit);
    reading_header_ = true;
    lang_ = Lang::kEn;  // until this request's headers are read
    stream_.expires_never();
    auto idle = std::min(server_.opt.idle_timeout, server_.opt.header_timeout);
    arm(idle, server_.opt.header_timeout - idle);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    disarm();
    reading_header_ = false;
    if (timed_out_) {
      if (!received_some()) return close();  // an idle keep-alive connection
      return refuse(ErrorCode::kTimeout, i18n::tr(lang_, i18n::Msg::err_headers_late));
    }
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset)
      return close();
    if (ec == http::error::header_limit)
      return refuse(ErrorCode::kTooLarge, i18n::tr(lang_, i18n::Msg::err_headers_too_large,
                                                   {{"bytes", std::to_string(server_.opt.header_limit)}}));
    // The headers are whole: a refusal of the body is in the request's language.
    if (!ec || ec == http::error::body_limit)
      lang_ = i18n::lang_from_accept_language(sv(parser_->get()[http::field::accept_language]));
    if (ec == http::error::body_limit) return refuse_too_large();
    if (ec == http::error::buffer_overflow) return refuse_line_too_large();
    if (ec) return refuse(ErrorCode::kBadInput, i18n::tr(lang_, i18n::Msg::err_malformed_http, {{"what", ec.message()}}));
    if (parser_->is_done()) return handle();
    if (iequals(sv(parser_->get()[http::field::expect]), "100-continue")) {
      continue_ = {};
      continue_.version(11);
      continue_.result(http::status::continue_);
      stream_.expires_after(server_.opt.write_timeout);
      return http::async_write(stream_, continue_, [self = shared_from_this()](beast::error_code wec, std::size_t) {
        if (wec) return self->close();
        self->read_body();
      });
    }
    read_body();
  }

  void read_body() {
    stream_.expires_never();
    arm(server_.opt.body_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    disarm();
    if (timed_out_) return refuse(ErrorCode::kTimeout, i18n::tr(lang_, i18n::Msg::err_body_late));
    if (ec == http::error::body_limit) return refuse_too_large();
    if (ec == http::error::buffer_overflow) return refuse_line_too_large();
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset)
      return close();
    if (ec)
      return refuse(ErrorCode::kBadInput, i18n::tr(lang_, i18n::Msg::err_malformed_http_body, {{"what", ec.message()}}));
    handle();
  }

  void handle() {
    auto& req = parser_->get();
    Request r;
    r.method = sv(req.method_string());
    r.target = sv(req.target());
    r.authorization = sv(req[http::field::authorization]);
    r.accept_language = sv(req[http::field::accept_language]);
    r.body = req.body();
    if (Service::durable(r)) {
      // On the writers' pool; the work guard keeps run() (and a drain) waiting for the answer.
      net::post(server_.writers, [self = shared_from_this(), r, guard = net::make_work_guard(server_.ioc)] {
        Response out = self->server_.service.handle(r);
        net::post(self->stream_.get_executor(), [self, out = std::move(out)]() mutable { self->answer(std::move(out)); });
      });
      return;
    }
    answer(server_.service.handle(r));
  }

  void answer(Response out) {
    ++served_;
    respond(std::move(out), parser_->get().keep_alive() && !server_.draining);
  }

  void refuse_too_large() {
    refuse(ErrorCode::kTooLarge,
           i18n::tr(lang_, i18n::Msg::err_body_too_large, {{"kib", std::to_string(server_.opt.body_limit / 1024)}}));
  }

  // A chunk-size line (with its extensions) or a trailer that does not fit the read buffer.
  void refuse_line_too_large() {
    refuse(ErrorCode::kTooLarge, i18n::tr(lang_, i18n::Msg::err_chunk_too_large,
                                          {{"bytes", std::to_string(server_.opt.header_limit)}}));
  }

  // A refusal before the request was read whole: answer, then close (the rest of the request is
  // not read, so the connection cannot be reused).
  void refuse(ErrorCode code, const std::string& message) {
    const i18n::LangScope language(lang_);
    respond(server_.service.refuse(code, message), false);
  }

  void respond(Response r, bool keep_alive) {
    res_ = {};
    res_.version(11);
    res_.result(static_cast<unsigned>(r.status));
    res_.set(http::field::server, "nrm");
    res_.set(http::field::content_type, r.content_type);
    res_.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : r.headers) res_.set(name, value);
    res_.keep_alive(keep_alive);
    res_.body() = std::move(r.body);
    res_.prepare_payload();
    keep_alive_ = keep_alive;
    stream_.expires_after(server_.opt.write_timeout);
    http::async_write(stream_, res_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (!keep_alive_) return linger_close();
    read_header();
  }

  // Half-close, then read and discard what the client still sends (up to a second), so that
  // closing with unread data does not reset the connection before the client read our answer.
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(std::chrono::seconds(1));
    discard();
  }

  void discard() {
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->discard();
    });
  }

  void close() {
    disarm();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  ServerImpl& server_;
  net::ip::address peer_;
  beast::flat_buffer buffer_;  // bounded: see the file's note 1
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  http::response<http::empty_body> continue_;
  std::array<char, 4096> scratch_{};
  unsigned timer_gen_ = 0;
  std::uint64_t served_ = 0;  // requests answered on this connection
  bool timed_out_ = false;
  bool reading_header_ = false;
  Lang lang_ = Lang::kEn;  // the request's Accept-Language, once its headers are read
  bool keep_alive_ = true;
};

void ServerImpl::listen() {
  beast::error_code ec;
  auto addr = net::ip::make_address(opt.bind, ec);
  if (ec) throw std::system_error(ec, "--bind " + opt.bind);
  tcp::endpoint ep(addr, opt.port);
  acceptor.open(ep.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen(net::socket_base::max_listen_connections);
  auto local = acceptor.local_endpoint();
  address = (local.address().is_v6() ? "[" + local.address().to_string() + "]" : local.address().to_string()) + ":" +
            std::to_string(local.port());
}

void ServerImpl::accept() {
  acceptor.async_accept(net::make_strand(ioc), beast::bind_front_handler(&ServerImpl::on_accept, this));
}

void ServerImpl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (draining || !acceptor.is_open()) return;
    // Out of file descriptors and the like: wait a moment rather than spin.
    std::cerr << "nrm serve: accept: " << ec.message() << "\n";
    retry_timer.expires_after(std::chrono::milliseconds(50));
    retry_timer.async_wait([this](beast::error_code tec) {
      if (!tec) accept();
    });
    return;
  }
  admit(std::move(socket));  // also while draining: the kernel had accepted it
  if (!draining) accept();
}

// A new connection: served, or told 503 at once (over the cap, or over its address's cap).
void ServerImpl::admit(tcp::socket socket) {
  beast::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  bool over_total = false, over_address = false;
  {
    std::lock_guard lock(mu);
    if (open >= opt.max_connections) over_total = true;
    else if (per_address[peer.address()] >= opt.max_connections_per_address) over_address = true;
    else {
      ++per_address[peer.address()];
      ++open;
    }
    if (over_address && per_address[peer.address()] == 0) per_address.erase(peer.address());
  }
  if (over_total || over_address) {
    // One short answer, written without waiting, then close.
    service.metrics().connection_refused();
    Response r = service.refuse(ErrorCode::kUnavailable, over_total
                                                             ? "too many connections; try again shortly"
                                                             : "too many connections from your address; try again shortly");
    std::string msg = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(r.body.size()) + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + r.body;
    beast::error_code wec;
    socket.non_blocking(true, wec);
    net::write(socket, net::buffer(msg), wec);
    socket.shutdown(tcp::socket::shutdown_both, wec);
    socket.close(wec);
    return;
  }
  std::make_shared<Session>(std::move(socket), *this, peer.address())->start();
}

void ServerImpl::wait_signal() {
  signals.async_wait([this](beast::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      // Reload off the strand so accepting goes on meanwhile.
      net::post(ioc, [this] {
        Response r = service.reload();
        std::cerr << "nrm serve: SIGHUP reload: " << (r.status == 200 ? "ok" : "refused") << ": " << r.body;
      });
      return wait_signal();
    }
    begin_drain();
  });
}

void ServerImpl::begin_drain() {
  if (draining.exchange(true)) return;
  service.set_draining();
  beast::error_code ec;
  // Connections the kernel already accepted (the backlog) are taken and served, not reset by
  // closing the listening socket under them: a pending accept is cancelled (a completed one is
  // still admitted by on_accept), then the backlog is emptied without waiting.
  acceptor.cancel(ec);
  acceptor.non_blocking(true, ec);
  for (std::size_t i = 0; !ec && i < opt.max_connections + 1024; ++i) {
    tcp::socket s(net::make_strand(ioc));
    acceptor.accept(s, ec);
    if (!ec) admit(std::move(s));
  }
  acceptor.close(ec);
  signals.cancel(ec);
  retry_timer.cancel();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu);
    for (auto& [ptr, weak] : sessions)
      if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->drain();
  live.clear();
  if (open > 0) {
    drain_timer.expires_after(opt.drain_timeout);
    drain_timer.async_wait([this](beast::error_code tec) {
      if (tec) return;
      std::cerr << "nrm serve: drain timeout; closing " << open.load() << " connections\n";
      ioc.stop();
    });
  }
}

void ServerImpl::session_closed() {
  if (--open == 0 && draining && !finished) net::post(strand, [this] { drain_timer.cancel(); });
}

}  // namespace detail

using detail::ServerImpl;

HttpServer::HttpServer(Service& service, ServerOptions options)
    : impl_(std::make_unique<detail::ServerImpl>(service, std::move(options))) {
  impl_->listen();
}

HttpServer::~HttpServer() = default;

std::string HttpServer::address() const { return impl_->address; }

void HttpServer::run() {
  ServerImpl& s = *impl_;
  net::dispatch(s.strand, [&s] {
    s.accept();
    s.wait_signal();
  });
  auto work = [&s] {
    for (;;) {
      try {
        s.ioc.run();
        return;
      } catch (const std::exception& e) {
        std::cerr << "nrm serve: " << e.what() << "\n";
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < s.opt.threads; ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  s.finished = true;
}

void HttpServer::stop() {
  net::post(impl_->strand, [this] { impl_->begin_drain(); });
}

}  // namespace nrm::server
