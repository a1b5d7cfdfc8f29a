#!/usr/bin/env bash
# Runs a command inside a new D-Bus session with gnome-keyring's Secret Service running and its login keyring
# unlocked, so code that uses the OS keychain (keytar) works without a desktop session:
#
#   .ci/with-keyring.sh npm test
#
# The keyring lives in a temporary directory (a fixed test password, removed afterwards): your own keyrings are
# never opened. Needs: apt-get install gnome-keyring dbus libglib2.0-bin (and libsecret-1-dev to build keytar).
# It also sets MCP_WARDEN_REQUIRE_KEYCHAIN=1, so keychain tests fail instead of skipping if the keyring is missing.
set -euo pipefail

if [ -z "${MCP_WARDEN_KEYRING_SESSION:-}" ]; then
  command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null || {
    echo "with-keyring: dbus-run-session and gnome-keyring-daemon are needed (apt-get install gnome-keyring dbus libglib2.0-bin)" >&2
    exit 1
  }
  exec dbus-run-session -- env MCP_WARDEN_KEYRING_SESSION=1 bash "$0" "$@"
fi

keyrings="$(mktemp -d)"
trap 'rm -rf "$keyrings"' EXIT
# --unlock reads the password on stdin and creates the login keyring with it; --start then prints the variables
# (GNOME_KEYRING_CONTROL, …) clients use. The daemon exits with the D-Bus session.
eval "$(printf '%s' 'mcp-warden-ci' | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets)"
eval "$(XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --start --components=secrets)"
export GNOME_KEYRING_CONTROL
export MCP_WARDEN_REQUIRE_KEYCHAIN=1
"$@"
