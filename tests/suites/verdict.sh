#!/usr/bin/env bash
# xfo_verdict_applies(), the rule for a verdict, against tests/verdict/.
set -u
cd "$(dirname "$0")/../.." || exit 1
exec "$1/tests/verdict/verdict_test" tests/verdict
