#!/usr/bin/python3
"""A real SMTP server for the mail tests and benchmark (Debian python3-aiosmtpd; run with /usr/bin/python3).

Listens on 127.0.0.1 (port 0 = a free one, written to --port-file once it accepts connections) and
stores every message it accepts as one file in --dir, with the envelope prepended as
"X-Sink-Mail-From:" and "X-Sink-Rcpt-To:" header lines. --rules FILE (re-read on every RCPT) holds
lines "ADDRESS CODE [TIMES]": answer RCPT TO:<ADDRESS> with CODE (e.g. 451 or 550), the first TIMES
times only when TIMES is given. --auth USER:PASSWORD requires SMTP AUTH; --tls-cert/--tls-key offer
STARTTLS. --no-store counts messages (in --dir/count on exit) without writing them, for benchmarks.
"""
import argparse
import asyncio
import os
import signal
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, rules_path, store):
        self.directory = directory
        self.rules_path = rules_path
        self.store = store
        self.seq = 0
        self.rejected = {}

    def rule_for(self, address):
        if not self.rules_path or not os.path.exists(self.rules_path):
            return None
        with open(self.rules_path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].lower() == address.lower():
                    times = int(parts[2]) if len(parts) > 2 else None
                    return int(parts[1]), times
        return None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        rule = self.rule_for(address)
        if rule:
            code, times = rule
            done = self.rejected.get(address.lower(), 0)
            if times is None or done < times:
                self.rejected[address.lower()] = done + 1
                text = "4.2.0 mailbox busy, try again later" if code < 500 else "5.1.1 no such mailbox"
                return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.seq += 1
        if self.store:
            head = (f"X-Sink-Mail-From: {envelope.mail_from}\r\n"
                    f"X-Sink-Rcpt-To: {','.join(envelope.rcpt_tos)}\r\n").encode()
            name = os.path.join(self.directory, f"{self.seq:07d}.eml")
            tmp = name + ".tmp"
            with open(tmp, "wb") as f:
                f.write(head + envelope.original_content)
            os.rename(tmp, name)  # a reader never sees half a message
        return "250 2.0.0 queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--rules")
    p.add_argument("--auth")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--no-store", action="store_true")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    sink = Sink(a.dir, a.rules, not a.no_store)

    kwargs = {"hostname": "sink.test", "auth_require_tls": False}
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

        kwargs.update(auth_required=True, authenticator=authenticator)
    if a.tls_cert:
        import ssl
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        kwargs["tls_context"] = ctx

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(sink, loop=loop, **kwargs), host="127.0.0.1", port=a.port))
    port = server.sockets[0].getsockname()[1]
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(a.port_file + ".tmp", a.port_file)

    def stop(*_):
        loop.stop()

    loop.add_signal_handler(signal.SIGTERM, stop)
    loop.add_signal_handler(signal.SIGINT, stop)
    loop.run_forever()
    with open(os.path.join(a.dir, "count"), "w") as f:
        f.write(str(sink.seq))
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
