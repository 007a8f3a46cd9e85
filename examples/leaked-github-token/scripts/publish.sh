#!/bin/sh
# Publishes a release of release-tools. The token below was pasted in "for a quick test".
set -eu
GITHUB_TOKEN=ghp_closeloopDemoTokenNotReal00000000000
curl -fsS -H "Authorization: Bearer $GITHUB_TOKEN" \
  -d '{"tag_name":"'"$1"'"}' \
  https://api.github.com/repos/acme-demo/release-tools/releases
