// hiredis (Debian libhiredis-dev), the blocking C client the INFO poller uses.
#include <hiredis/hiredis.h>
