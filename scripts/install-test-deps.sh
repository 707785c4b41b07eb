#!/usr/bin/env bash
# Installs, from Debian's packages, what the test suite needs and the machine lacks:
#   chromium + chromium-driver  the real-browser end-to-end tests
#   firefox-esr                 Firefox <-> Chromium calls (driven over WebDriver BiDi by puppeteer-core, which the
#                               test installs from npm into signaling-cluster/target/npm-puppeteer; no geckodriver)
#   iptables                    the TURN-over-TCP fallback test blocks UDP inside its own network namespace
#   iproute2                    `ip netns`: those browsers run in a network namespace of the test's own
#   iptables                    the Helm chart simulation partitions its pods' namespaces with it
#   coturn                      turnutils_uclient interop and the relay comparison
#   npm                         installs the npm `peer` server for the PeerJS parity test (when node/npm are absent)
# Idempotent: installs nothing when everything is there.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
[[ -x /usr/sbin/iptables ]] || missing+=(iptables)
[[ -x /usr/sbin/ip ]] || missing+=(iproute2)
[[ -x /usr/sbin/iptables ]] || missing+=(iptables)
command -v turnutils_uclient >/dev/null 2>&1 || missing+=(coturn)
command -v npm >/dev/null 2>&1 || missing+=(npm)   # the PeerJS parity and Firefox tests install from npm

if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi
echo "Installing test dependencies: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
