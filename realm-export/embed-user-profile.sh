#!/usr/bin/env bash
# Writes src/main/realm/user-profile.json (the readable source of the declarative user profile)
# into the realm template, where Keycloak expects it: as a JSON string in the config of the
# UserProfileProvider component. Run it after editing user-profile.json; a unit test fails while
# the two differ.
set -euo pipefail
cd "$(dirname "$0")/src/main/realm"
tmp=$(mktemp)
jq --indent 2 --argjson profile "$(cat user-profile.json)" \
  '.components["org.keycloak.userprofile.UserProfileProvider"][0].config["kc.user.profile.config"] = [($profile | tojson)]' \
  ocq-realm.json > "$tmp"
mv "$tmp" ocq-realm.json
