# Bulkhead guest: programs that honour $BROWSER open links through the broker.
BROWSER=vm-open-url
export BROWSER
