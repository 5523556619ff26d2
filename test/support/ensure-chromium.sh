#!/bin/sh
# Before the suite: the browser specs drive Debian's Chromium. Installed here when missing and
# this user may (root with apt-get); otherwise they say so and are skipped, unless
# TALLY_BROWSER=required makes that an error.
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || [ -n "$CHROMIUM_PATH" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Chromium for the browser specs (apt-get install chromium)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null && exit 0
fi
echo "no Chromium here: the browser specs will be skipped (apt-get install chromium)" >&2
[ "$TALLY_BROWSER" = "required" ] && exit 1
exit 0
