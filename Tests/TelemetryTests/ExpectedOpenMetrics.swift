extension GoldenFixture {
    /// The exact OpenMetrics 1.0 text of ``GoldenFixture``.
    static let openMetrics = """
        # HELP redislens_commands Commands forwarded to Redis and answered.
        # TYPE redislens_commands counter
        redislens_commands_total{command="config|get",category="admin"} 2
        redislens_commands_total{command="get",category="read"} 4
        redislens_commands_total{command="mget",category="read"} 1
        redislens_commands_total{command="other",category="other"} 1
        redislens_commands_total{command="set",category="write"} 3
        # HELP redislens_command_errors Error replies, by Redis error prefix (OTHER: unknown).
        # TYPE redislens_command_errors counter
        redislens_command_errors_total{command="config|get",category="admin",error="OTHER"} 1
        redislens_command_errors_total{command="get",category="read",error="WRONGTYPE"} 1
        redislens_command_errors_total{command="other",category="other",error="ERR"} 1
        redislens_command_errors_total{command="set",category="write",error="OOM"} 1
        # HELP redislens_command_duration_seconds Time from a request's last byte read to its reply's last byte read.
        # TYPE redislens_command_duration_seconds histogram
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="5e-05"} 0
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.0001"} 0
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.00025"} 0
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.0005"} 0
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.001"} 0
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.0025"} 1
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.005"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.01"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.025"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.05"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.1"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.25"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="0.5"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="1"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="2.5"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="5"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="10"} 2
        redislens_command_duration_seconds_bucket{command="config|get",category="admin",le="+Inf"} 2
        redislens_command_duration_seconds_sum{command="config|get",category="admin"} 0.005
        redislens_command_duration_seconds_count{command="config|get",category="admin"} 2
        redislens_command_duration_seconds_bucket{command="get",category="read",le="5e-05"} 1
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.0001"} 2
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.00025"} 3
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.0005"} 3
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.001"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.0025"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.005"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.01"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.025"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.05"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.1"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.25"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="0.5"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="1"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="2.5"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="5"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="10"} 4
        redislens_command_duration_seconds_bucket{command="get",category="read",le="+Inf"} 4
        redislens_command_duration_seconds_sum{command="get",category="read"} 0.00134
        redislens_command_duration_seconds_count{command="get",category="read"} 4
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="5e-05"} 0
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.0001"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.00025"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.0005"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.001"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.0025"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.005"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.01"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.025"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.05"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.1"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.25"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="0.5"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="1"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="2.5"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="5"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="10"} 1
        redislens_command_duration_seconds_bucket{command="mget",category="read",le="+Inf"} 1
        redislens_command_duration_seconds_sum{command="mget",category="read"} 8e-05
        redislens_command_duration_seconds_count{command="mget",category="read"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="5e-05"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.0001"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.00025"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.0005"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.001"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.0025"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.005"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.01"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.025"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.05"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.1"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.25"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="0.5"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="1"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="2.5"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="5"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="10"} 1
        redislens_command_duration_seconds_bucket{command="other",category="other",le="+Inf"} 1
        redislens_command_duration_seconds_sum{command="other",category="other"} 1e-05
        redislens_command_duration_seconds_count{command="other",category="other"} 1
        redislens_command_duration_seconds_bucket{command="set",category="write",le="5e-05"} 0
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.0001"} 0
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.00025"} 0
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.0005"} 1
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.001"} 1
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.0025"} 1
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.005"} 1
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.01"} 1
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.025"} 2
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.05"} 2
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.1"} 2
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.25"} 3
        redislens_command_duration_seconds_bucket{command="set",category="write",le="0.5"} 3
        redislens_command_duration_seconds_bucket{command="set",category="write",le="1"} 3
        redislens_command_duration_seconds_bucket{command="set",category="write",le="2.5"} 3
        redislens_command_duration_seconds_bucket{command="set",category="write",le="5"} 3
        redislens_command_duration_seconds_bucket{command="set",category="write",le="10"} 3
        redislens_command_duration_seconds_bucket{command="set",category="write",le="+Inf"} 3
        redislens_command_duration_seconds_sum{command="set",category="write"} 0.1703
        redislens_command_duration_seconds_count{command="set",category="write"} 3
        # HELP redislens_upstream_duration_seconds Time from a request's last byte written to Redis to its reply's last byte read (Redis and the network).
        # TYPE redislens_upstream_duration_seconds histogram
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="5e-05"} 0
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.0001"} 0
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.00025"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.0005"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.001"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.0025"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.005"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.01"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.025"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.05"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.1"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.25"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="0.5"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="1"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="2.5"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="5"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="10"} 1
        redislens_upstream_duration_seconds_bucket{command="get",category="read",le="+Inf"} 1
        redislens_upstream_duration_seconds_sum{command="get",category="read"} 0.00015
        redislens_upstream_duration_seconds_count{command="get",category="read"} 1
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="5e-05"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.0001"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.00025"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.0005"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.001"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.0025"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.005"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.01"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.025"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.05"} 0
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.1"} 1
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.25"} 1
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="0.5"} 1
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="1"} 1
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="2.5"} 1
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="5"} 1
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="10"} 1
        redislens_upstream_duration_seconds_bucket{command="set",category="write",le="+Inf"} 1
        redislens_upstream_duration_seconds_sum{command="set",category="write"} 0.1
        redislens_upstream_duration_seconds_count{command="set",category="write"} 1
        # HELP redislens_command_request_bytes Request sizes on the wire, in bytes.
        # TYPE redislens_command_request_bytes histogram
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="16"} 0
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="64"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="256"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="1024"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="4096"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="16384"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="65536"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="262144"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="1048576"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="4194304"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="16777216"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="67108864"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="268435456"} 2
        redislens_command_request_bytes_bucket{command="config|get",category="admin",le="+Inf"} 2
        redislens_command_request_bytes_sum{command="config|get",category="admin"} 72
        redislens_command_request_bytes_count{command="config|get",category="admin"} 2
        redislens_command_request_bytes_bucket{command="get",category="read",le="16"} 0
        redislens_command_request_bytes_bucket{command="get",category="read",le="64"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="256"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="1024"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="4096"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="16384"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="65536"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="262144"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="1048576"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="4194304"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="16777216"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="67108864"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="268435456"} 4
        redislens_command_request_bytes_bucket{command="get",category="read",le="+Inf"} 4
        redislens_command_request_bytes_sum{command="get",category="read"} 105
        redislens_command_request_bytes_count{command="get",category="read"} 4
        redislens_command_request_bytes_bucket{command="mget",category="read",le="16"} 0
        redislens_command_request_bytes_bucket{command="mget",category="read",le="64"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="256"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="1024"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="4096"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="16384"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="65536"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="262144"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="1048576"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="4194304"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="16777216"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="67108864"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="268435456"} 1
        redislens_command_request_bytes_bucket{command="mget",category="read",le="+Inf"} 1
        redislens_command_request_bytes_sum{command="mget",category="read"} 50
        redislens_command_request_bytes_count{command="mget",category="read"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="16"} 0
        redislens_command_request_bytes_bucket{command="other",category="other",le="64"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="256"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="1024"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="4096"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="16384"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="65536"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="262144"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="1048576"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="4194304"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="16777216"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="67108864"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="268435456"} 1
        redislens_command_request_bytes_bucket{command="other",category="other",le="+Inf"} 1
        redislens_command_request_bytes_sum{command="other",category="other"} 22
        redislens_command_request_bytes_count{command="other",category="other"} 1
        redislens_command_request_bytes_bucket{command="set",category="write",le="16"} 0
        redislens_command_request_bytes_bucket{command="set",category="write",le="64"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="256"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="1024"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="4096"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="16384"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="65536"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="262144"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="1048576"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="4194304"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="16777216"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="67108864"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="268435456"} 3
        redislens_command_request_bytes_bucket{command="set",category="write",le="+Inf"} 3
        redislens_command_request_bytes_sum{command="set",category="write"} 102
        redislens_command_request_bytes_count{command="set",category="write"} 3
        # HELP redislens_command_reply_bytes Reply sizes on the wire, in bytes.
        # TYPE redislens_command_reply_bytes histogram
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="16"} 0
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="64"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="256"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="1024"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="4096"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="16384"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="65536"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="262144"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="1048576"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="4194304"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="16777216"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="67108864"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="268435456"} 2
        redislens_command_reply_bytes_bucket{command="config|get",category="admin",le="+Inf"} 2
        redislens_command_reply_bytes_sum{command="config|get",category="admin"} 57
        redislens_command_reply_bytes_count{command="config|get",category="admin"} 2
        redislens_command_reply_bytes_bucket{command="get",category="read",le="16"} 3
        redislens_command_reply_bytes_bucket{command="get",category="read",le="64"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="256"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="1024"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="4096"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="16384"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="65536"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="262144"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="1048576"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="4194304"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="16777216"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="67108864"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="268435456"} 4
        redislens_command_reply_bytes_bucket{command="get",category="read",le="+Inf"} 4
        redislens_command_reply_bytes_sum{command="get",category="read"} 59
        redislens_command_reply_bytes_count{command="get",category="read"} 4
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="16"} 0
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="64"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="256"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="1024"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="4096"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="16384"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="65536"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="262144"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="1048576"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="4194304"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="16777216"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="67108864"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="268435456"} 1
        redislens_command_reply_bytes_bucket{command="mget",category="read",le="+Inf"} 1
        redislens_command_reply_bytes_sum{command="mget",category="read"} 25
        redislens_command_reply_bytes_count{command="mget",category="read"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="16"} 0
        redislens_command_reply_bytes_bucket{command="other",category="other",le="64"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="256"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="1024"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="4096"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="16384"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="65536"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="262144"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="1048576"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="4194304"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="16777216"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="67108864"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="268435456"} 1
        redislens_command_reply_bytes_bucket{command="other",category="other",le="+Inf"} 1
        redislens_command_reply_bytes_sum{command="other",category="other"} 28
        redislens_command_reply_bytes_count{command="other",category="other"} 1
        redislens_command_reply_bytes_bucket{command="set",category="write",le="16"} 2
        redislens_command_reply_bytes_bucket{command="set",category="write",le="64"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="256"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="1024"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="4096"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="16384"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="65536"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="262144"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="1048576"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="4194304"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="16777216"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="67108864"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="268435456"} 3
        redislens_command_reply_bytes_bucket{command="set",category="write",le="+Inf"} 3
        redislens_command_reply_bytes_sum{command="set",category="write"} 36
        redislens_command_reply_bytes_count{command="set",category="write"} 3
        # HELP redislens_cache_hits Keys found by key-reading commands.
        # TYPE redislens_cache_hits counter
        redislens_cache_hits_total{command="get"} 3
        redislens_cache_hits_total{command="mget"} 1
        # HELP redislens_cache_misses Keys not found by key-reading commands.
        # TYPE redislens_cache_misses counter
        redislens_cache_misses_total{command="get"} 1
        redislens_cache_misses_total{command="mget"} 2
        # HELP redislens_slow_commands Commands slower than --slow-threshold.
        # TYPE redislens_slow_commands counter
        redislens_slow_commands_total{command="set",category="write"} 1
        # HELP redislens_key_prefix_commands Commands by the prefix of their first key.
        # TYPE redislens_key_prefix_commands counter
        redislens_key_prefix_commands_total{prefix="(none)"} 1
        redislens_key_prefix_commands_total{prefix="cache"} 2
        redislens_key_prefix_commands_total{prefix="session"} 1
        redislens_key_prefix_commands_total{prefix="user"} 4
        # HELP redislens_key_prefix_hits Cache hits by key prefix.
        # TYPE redislens_key_prefix_hits counter
        redislens_key_prefix_hits_total{prefix="(none)"} 1
        redislens_key_prefix_hits_total{prefix="cache"} 0
        redislens_key_prefix_hits_total{prefix="session"} 1
        redislens_key_prefix_hits_total{prefix="user"} 2
        # HELP redislens_key_prefix_misses Cache misses by key prefix.
        # TYPE redislens_key_prefix_misses counter
        redislens_key_prefix_misses_total{prefix="(none)"} 0
        redislens_key_prefix_misses_total{prefix="cache"} 0
        redislens_key_prefix_misses_total{prefix="session"} 0
        redislens_key_prefix_misses_total{prefix="user"} 3
        # HELP redislens_client_connections Client connections open now.
        # TYPE redislens_client_connections gauge
        redislens_client_connections 1
        # HELP redislens_client_connections_total Client connections accepted.
        # TYPE redislens_client_connections_total unknown
        redislens_client_connections_total 2
        # HELP redislens_client_received_bytes Bytes read from clients.
        # TYPE redislens_client_received_bytes counter
        redislens_client_received_bytes_total 1000
        # HELP redislens_client_sent_bytes Bytes written to clients.
        # TYPE redislens_client_sent_bytes counter
        redislens_client_sent_bytes_total 2500
        # HELP redislens_client_protocol_errors Clients that sent malformed RESP (passed on to Redis, which answers and closes).
        # TYPE redislens_client_protocol_errors counter
        redislens_client_protocol_errors_total 1
        # HELP redislens_transactions MULTI transactions by how they ended (exec, discard, watch_conflict, abort).
        # TYPE redislens_transactions counter
        redislens_transactions_total{outcome="exec"} 1
        redislens_transactions_total{outcome="discard"} 0
        redislens_transactions_total{outcome="watch_conflict"} 1
        redislens_transactions_total{outcome="abort"} 0
        # HELP redislens_transaction_duration_seconds MULTI's last request byte to the last byte of the reply that ended the transaction.
        # TYPE redislens_transaction_duration_seconds histogram
        redislens_transaction_duration_seconds_bucket{le="5e-05"} 0
        redislens_transaction_duration_seconds_bucket{le="0.0001"} 0
        redislens_transaction_duration_seconds_bucket{le="0.00025"} 0
        redislens_transaction_duration_seconds_bucket{le="0.0005"} 1
        redislens_transaction_duration_seconds_bucket{le="0.001"} 1
        redislens_transaction_duration_seconds_bucket{le="0.0025"} 1
        redislens_transaction_duration_seconds_bucket{le="0.005"} 1
        redislens_transaction_duration_seconds_bucket{le="0.01"} 1
        redislens_transaction_duration_seconds_bucket{le="0.025"} 1
        redislens_transaction_duration_seconds_bucket{le="0.05"} 2
        redislens_transaction_duration_seconds_bucket{le="0.1"} 2
        redislens_transaction_duration_seconds_bucket{le="0.25"} 2
        redislens_transaction_duration_seconds_bucket{le="0.5"} 2
        redislens_transaction_duration_seconds_bucket{le="1"} 2
        redislens_transaction_duration_seconds_bucket{le="2.5"} 2
        redislens_transaction_duration_seconds_bucket{le="5"} 2
        redislens_transaction_duration_seconds_bucket{le="10"} 2
        redislens_transaction_duration_seconds_bucket{le="+Inf"} 2
        redislens_transaction_duration_seconds_sum 0.0303
        redislens_transaction_duration_seconds_count 2
        # EOF

        """
}
