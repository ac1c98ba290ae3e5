import Foundation

/// `INFO` captured from redis-server 7.0.15 (`redis-cli INFO` after writing keys in
/// databases 0 and 3), with `\n` line ends; ``crlf(_:)`` gives the wire form.
enum InfoFixtures {
    static let redis70 = """
        # Server
        redis_version:7.0.15
        redis_git_sha1:00000000
        redis_git_dirty:0
        redis_build_id:ae4d7c971a948f0
        redis_mode:standalone
        os:Linux 6.18.44-fc-v657 x86_64
        arch_bits:64
        monotonic_clock:POSIX clock_gettime
        multiplexing_api:epoll
        atomicvar_api:c11-builtin
        gcc_version:12.2.0
        process_id:14904
        process_supervised:no
        run_id:805561b2811f4e105f1480e2bfded547e3586710
        tcp_port:16379
        server_time_usec:1795298950706487
        uptime_in_seconds:0
        uptime_in_days:0
        hz:10
        configured_hz:10
        lru_clock:136838
        executable:/usr/bin/redis-server
        config_file:
        io_threads_active:0

        # Clients
        connected_clients:1
        cluster_connections:0
        maxclients:10000
        client_recent_max_input_buffer:0
        client_recent_max_output_buffer:0
        blocked_clients:0
        tracking_clients:0
        clients_in_timeout_table:0

        # Memory
        used_memory:966440
        used_memory_human:943.79K
        used_memory_rss:12169216
        used_memory_rss_human:11.61M
        used_memory_peak:966440
        used_memory_peak_human:943.79K
        used_memory_peak_perc:100.25%
        used_memory_overhead:876488
        used_memory_startup:876048
        used_memory_dataset:89952
        used_memory_dataset_perc:99.51%
        allocator_allocated:1690848
        allocator_active:1826816
        allocator_resident:4497408
        total_system_memory:25276510208
        total_system_memory_human:23.54G
        used_memory_lua:32768
        used_memory_vm_eval:32768
        used_memory_lua_human:32.00K
        used_memory_scripts_eval:0
        number_of_cached_scripts:0
        number_of_functions:0
        number_of_libraries:0
        used_memory_vm_functions:33792
        used_memory_vm_total:66560
        used_memory_vm_total_human:65.00K
        used_memory_functions:200
        used_memory_scripts:200
        used_memory_scripts_human:200B
        maxmemory:0
        maxmemory_human:0B
        maxmemory_policy:noeviction
        allocator_frag_ratio:1.08
        allocator_frag_bytes:135968
        allocator_rss_ratio:2.46
        allocator_rss_bytes:2670592
        rss_overhead_ratio:2.71
        rss_overhead_bytes:7671808
        mem_fragmentation_ratio:13.89
        mem_fragmentation_bytes:11293024
        mem_not_counted_for_evict:0
        mem_replication_backlog:0
        mem_total_replication_buffers:0
        mem_clients_slaves:0
        mem_clients_normal:0
        mem_cluster_links:0
        mem_aof_buffer:0
        mem_allocator:jemalloc-5.3.0
        active_defrag_running:0
        lazyfree_pending_objects:0
        lazyfreed_objects:0

        # Persistence
        loading:0
        async_loading:0
        current_cow_peak:0
        current_cow_size:0
        current_cow_size_age:0
        current_fork_perc:0.00
        current_save_keys_processed:0
        current_save_keys_total:0
        rdb_changes_since_last_save:3
        rdb_bgsave_in_progress:0
        rdb_last_save_time:1795298950
        rdb_last_bgsave_status:ok
        rdb_last_bgsave_time_sec:-1
        rdb_current_bgsave_time_sec:-1
        rdb_saves:0
        rdb_last_cow_size:0
        rdb_last_load_keys_expired:0
        rdb_last_load_keys_loaded:0
        aof_enabled:0
        aof_rewrite_in_progress:0
        aof_rewrite_scheduled:0
        aof_last_rewrite_time_sec:-1
        aof_current_rewrite_time_sec:-1
        aof_last_bgrewrite_status:ok
        aof_rewrites:0
        aof_rewrites_consecutive_failures:0
        aof_last_write_status:ok
        aof_last_cow_size:0
        module_fork_in_progress:0
        module_fork_last_cow_size:0

        # Stats
        total_connections_received:4
        total_commands_processed:4
        instantaneous_ops_per_sec:0
        total_net_input_bytes:135
        total_net_output_bytes:20
        total_net_repl_input_bytes:0
        total_net_repl_output_bytes:0
        instantaneous_input_kbps:0.00
        instantaneous_output_kbps:0.00
        instantaneous_input_repl_kbps:0.00
        instantaneous_output_repl_kbps:0.00
        rejected_connections:0
        sync_full:0
        sync_partial_ok:0
        sync_partial_err:0
        expired_keys:0
        expired_stale_perc:0.00
        expired_time_cap_reached_count:0
        expire_cycle_cpu_milliseconds:0
        evicted_keys:0
        evicted_clients:0
        total_eviction_exceeded_time:0
        current_eviction_exceeded_time:0
        keyspace_hits:0
        keyspace_misses:0
        pubsub_channels:0
        pubsub_patterns:0
        pubsubshard_channels:0
        latest_fork_usec:0
        total_forks:0
        migrate_cached_sockets:0
        slave_expires_tracked_keys:0
        active_defrag_hits:0
        active_defrag_misses:0
        active_defrag_key_hits:0
        active_defrag_key_misses:0
        total_active_defrag_time:0
        current_active_defrag_time:0
        tracking_total_keys:0
        tracking_total_items:0
        tracking_total_prefixes:0
        unexpected_error_replies:0
        total_error_replies:0
        dump_payload_sanitizations:0
        total_reads_processed:8
        total_writes_processed:4
        io_threaded_reads_processed:0
        io_threaded_writes_processed:0
        reply_buffer_shrinks:0
        reply_buffer_expands:0

        # Replication
        role:master
        connected_slaves:0
        master_failover_state:no-failover
        master_replid:1c3d063b2587268be23474354e79760ebda13fd0
        master_replid2:0000000000000000000000000000000000000000
        master_repl_offset:0
        second_repl_offset:-1
        repl_backlog_active:0
        repl_backlog_size:1048576
        repl_backlog_first_byte_offset:0
        repl_backlog_histlen:0

        # CPU
        used_cpu_sys:0.004258
        used_cpu_user:0.008517
        used_cpu_sys_children:0.000000
        used_cpu_user_children:0.000000
        used_cpu_sys_main_thread:0.004240
        used_cpu_user_main_thread:0.008480

        # Modules

        # Errorstats

        # Cluster
        cluster_enabled:0

        # Keyspace
        db0:keys=2,expires=1,avg_ttl=0
        db3:keys=1,expires=0,avg_ttl=0

        """

    /// Redis 6.2's INFO, written from its documented format (server, clients, memory,
    /// stats, keyspace): no `used_memory_vm_*`, `used_memory_lua` as the Lua field.
    static let redis62 = """
        # Server
        redis_version:6.2.14
        redis_git_sha1:00000000
        redis_git_dirty:0
        redis_mode:standalone
        os:Linux 5.15.0 x86_64
        arch_bits:64
        process_id:12
        tcp_port:6379
        uptime_in_seconds:86400
        uptime_in_days:1

        # Clients
        connected_clients:42
        blocked_clients:2
        tracking_clients:0
        maxclients:10000

        # Memory
        used_memory:104857600
        used_memory_human:100.00M
        used_memory_rss:125829120
        used_memory_rss_human:120.00M
        used_memory_peak:209715200
        used_memory_peak_human:200.00M
        used_memory_peak_perc:50.00%
        used_memory_overhead:2097152
        used_memory_startup:811232
        used_memory_dataset:102760448
        used_memory_dataset_perc:98.77%
        allocator_allocated:105000000
        allocator_active:110000000
        allocator_resident:120000000
        total_system_memory:8589934592
        used_memory_lua:37888
        used_memory_lua_human:37.00K
        used_memory_scripts:0
        number_of_cached_scripts:0
        maxmemory:268435456
        maxmemory_human:256.00M
        maxmemory_policy:allkeys-lru
        allocator_frag_ratio:1.05
        allocator_frag_bytes:5000000
        allocator_rss_ratio:1.09
        allocator_rss_bytes:10000000
        rss_overhead_ratio:1.05
        rss_overhead_bytes:5829120
        mem_fragmentation_ratio:1.20
        mem_fragmentation_bytes:20971520
        mem_clients_normal:41000
        lazyfree_pending_objects:0

        # Stats
        total_connections_received:1000
        total_commands_processed:500000
        instantaneous_ops_per_sec:120
        rejected_connections:0
        expired_keys:77
        evicted_keys:5
        keyspace_hits:4000
        keyspace_misses:1000

        # Replication
        role:master
        connected_slaves:0

        # Keyspace
        db0:keys=1500,expires=20,avg_ttl=3600000
        db2:keys=7,expires=0,avg_ttl=0

        """

    /// The wire form: every line ends in CRLF.
    static func crlf(_ text: String) -> [UInt8] {
        Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }
}
