"""Starts moto, the AWS emulator, for test/support/moto.ts.

It listens on 127.0.0.1 and a port the system picks, prints `listening on http://127.0.0.1:<port>`, and
stops when its standard input closes: when the test process stops it, or ends in any way, even killed.
"""
import sys

try:
    from moto.server import ThreadedMotoServer
    from moto.cloudformation.models import CloudFormationBackend
except ImportError as error:
    sys.exit(f"moto is not installed for {sys.executable} ({error})")

try:
    import cfnlint.api  # noqa: F401 (moto's ValidateTemplate imports it on each call; fail here, before listening)
except ImportError as error:
    sys.exit(f"cfn-lint is not installed for {sys.executable} ({error})")

# moto's ValidateTemplate runs cfn-lint and refuses the template on its first finding, warnings included.
# CloudFormation refuses only errors: it accepts the W8003 and W3005 warnings every osls template has
# (test/moto/cfn-lint-allowed.json says why), so `serverless deploy` would fail on moto alone. Keep the
# errors only; moto itself stays unpatched.
_lint_findings = CloudFormationBackend.validate_template


def _lint_errors(self, template):
    return [match for match in _lint_findings(self, template) if match.rule.id.startswith("E")]


CloudFormationBackend.validate_template = _lint_errors

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
print(f"listening on http://{host}:{port}", flush=True)
sys.stdin.read()
server.stop()
