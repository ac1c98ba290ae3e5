// hiredis (Debian libhiredis-dev 0.14): the control plane uses its reply parser (redisReader),
// fed with bytes from a socket the proxy owns (Sources/ControlPlane).
#include <hiredis/hiredis.h>
