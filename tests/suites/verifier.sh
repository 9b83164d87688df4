#!/usr/bin/env bash
# The verifier's refused (errors/) and accepted (accept/) programs.
set -u
exec "$1/tests/verifier/verifier_tests" tests/verifier/errors tests/verifier/accept
