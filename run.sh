#!/usr/bin/env bash
# Runs the product: a real Keycloak with the OCQ extension, the OCQ realm and the demo employees,
# in dev mode on Keycloak's embedded H2 database, in the foreground. Ctrl-C stops it; the next run
# reuses the download and the database (delete .run/ to start from scratch).
#   OCQ_PORT=8080      HTTP port
#   OCQ_HOST=127.0.0.1 interface to listen on (0.0.0.0 to try it from a phone on your network)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

port=${OCQ_PORT:-8080}
host=${OCQ_HOST:-127.0.0.1}
kc_version=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -1)
project_version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
run_dir="$root/.run"
kc_home="$run_dir/keycloak-$kc_version"
mvn="mvn -B -q -ntp"

echo "==> Building the OCQ extension jar"
$mvn -DskipTests package -pl dist -am
jar="$root/dist/target/ocq-keycloak-$project_version.jar"

if [ ! -x "$kc_home/bin/kc.sh" ]; then
  echo "==> Fetching Keycloak $kc_version from Maven Central (only the first time)"
  mkdir -p "$run_dir"
  $mvn org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$kc_version:zip" -DoutputDirectory="$run_dir"
  (cd "$run_dir" && unzip -q -o "keycloak-quarkus-dist-$kc_version.zip" && rm "keycloak-quarkus-dist-$kc_version.zip")
fi

echo "==> Installing the jar, the realm and the demo employees"
rm -f "$kc_home"/providers/ocq-keycloak-*.jar
cp "$jar" "$kc_home/providers/"
mkdir -p "$kc_home/data/import" "$kc_home/data/password-blacklists"
cp realm-export/src/main/realm/ocq-realm.json realm-export/src/main/realm/demo/ocq-users-0.json "$kc_home/data/import/"
cp realm-export/src/main/realm/password-blacklists/*.txt "$kc_home/data/password-blacklists/"

base="http://localhost:$port"
banner() {
  local users
  users=$(grep -o '"username": "[^"]*"' realm-export/src/main/realm/demo/ocq-users-0.json | cut -d'"' -f4 | paste -sd' ' -)
  cat <<MSG

================================================================================
 OCQ 云智能管理 on Keycloak $kc_version (dev mode, embedded database) is running.

 Employees sign in at
   the OCQ web app's login:  $base/realms/ocq/protocol/openid-connect/auth?client_id=ocq-web&response_type=code&scope=openid&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2F&code_challenge=VMtZ38UT-jFOvpQAmFzBweqL23xOH7nXQeBgFOqZ0YE&code_challenge_method=S256
                             (PKCE verifier: ocq-dev-verifier-0123456789-abcdefghijklmnopqrstuvwxyz; after sign-in the browser goes on to the app at http://localhost:3000/)
   the account console:      $base/realms/ocq/account
   修改密码 (change password): the app's login link above plus &kc_action=UPDATE_PASSWORD,
                             or the account console's 帐户安全 → 登录凭证 → 更新 (Signing in → Update)
   demo employees:           $users
   their password (dev only): ocq-demo-2026

 Admins sign in at
   Keycloak's admin console: $base/admin/   bootstrap admin: admin / admin
   the OCQ realm's console:  $base/admin/ocq/console/   e.g. zhanglonghui (系统管理员) / ocq-demo-2026
   员工帐号管理 (重置帐号):   $base/realms/ocq/ocq-admin/   same accounts

 SMS: the development sender writes every SMS, verification codes included, into this
 output as lines starting with [DEV SMS].

 Ctrl-C stops Keycloak.
================================================================================

MSG
}

echo "==> Starting Keycloak on $base"
export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin
"$kc_home/bin/kc.sh" start-dev --http-host="$host" --http-port="$port" --import-realm &
kc_pid=$!
trap 'kill -TERM $kc_pid 2>/dev/null; wait $kc_pid 2>/dev/null; exit 0' INT TERM

for _ in $(seq 1 300); do
  if ! kill -0 $kc_pid 2>/dev/null; then
    echo "Keycloak stopped while starting; see its output above." >&2
    exit 1
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/realms/ocq" 2>/dev/null \
     || { [ "$host" != "127.0.0.1" ] && curl -fsS -o /dev/null "http://$host:$port/realms/ocq" 2>/dev/null; }; then
    banner
    break
  fi
  sleep 1
done
wait $kc_pid
