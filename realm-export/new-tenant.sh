#!/usr/bin/env bash
# Writes the OCQ realm template under another company's realm name, to stdout.
#   realm-export/new-tenant.sh <realm-name> ["display name"] > <realm-name>-realm.json
# A company is a tenant and a tenant is a realm: each company gets its own realm from the same
# template, with its own users, roles, groups, sessions and limits. Import the result with
#   kc.sh import --file <realm-name>-realm.json      (or put it in data/import/ and use --import-realm)
set -euo pipefail
name=${1:-}
display=${2:-"OCQ 云智能管理"}
if ! [[ "$name" =~ ^[a-z0-9][a-z0-9-]{1,62}$ ]]; then
  echo "usage: $0 <realm-name> [\"display name\"]   (realm name: lower-case letters, digits and '-', 2-63 characters)" >&2
  exit 2
fi
case "$display" in
  *[\"\\/\&\<\>]*) echo "$0: the display name must not contain \" \\ / & < or >" >&2; exit 2 ;;
esac
if [ "$name" = "master" ]; then
  echo "$0: 'master' is Keycloak's administration realm" >&2
  exit 2
fi
template="$(dirname "$0")/src/main/realm/ocq-realm.json"
# Only the realm's own name, its display name, the default role named after it and the paths of
# the employee-accounts page (client ocq-admin-page) change.
sed -e "0,/^  \"realm\": \"ocq\",/s//  \"realm\": \"$name\",/" \
    -e "s/^  \"displayName\": \"OCQ 云智能管理\",/  \"displayName\": \"$display\",/" \
    -e "s/^  \"displayNameHtml\": \"OCQ 云智能管理\",/  \"displayNameHtml\": \"$display\",/" \
    -e "s/\"default-roles-ocq\"/\"default-roles-$name\"/g" \
    -e "s#\"/realms/ocq/ocq-admin/\"#\"/realms/$name/ocq-admin/\"#g" \
    "$template"
