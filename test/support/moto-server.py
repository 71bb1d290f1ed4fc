"""Starts moto, the AWS emulator, for test/support/moto.ts.

It listens on 127.0.0.1 and a port the system picks, prints `listening on http://127.0.0.1:<port>`, and
stops when its standard input closes: when the test process stops it, or ends in any way, even killed.
"""
import sys

try:
    from moto.server import ThreadedMotoServer
except ImportError as error:
    sys.exit(f"moto is not installed for {sys.executable} ({error})")

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
print(f"listening on http://{host}:{port}", flush=True)
sys.stdin.read()
server.stop()
