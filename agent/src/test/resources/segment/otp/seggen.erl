-module(seggen).
-export([main/0]).
main() ->
    Dir = "/tmp/seg-otp/",
    ok = logger:add_handler(dl, logger_disk_log_h,
        #{config => #{file => Dir ++ "wrap.log", type => wrap, max_no_files => 4, max_no_bytes => 2000,
                      drop_mode_qlen => 100000, flush_qlen => 200000, burst_limit_enable => false, sync_mode_qlen => 0},
          formatter => {logger_formatter, #{template => [msg, "\n"], single_line => true}}}),
    ok = logger:add_handler(sh, logger_std_h,
        #{config => #{file => Dir ++ "std.log", max_no_files => 3, max_no_bytes => 3000, compress_on_rotate => true,
                      drop_mode_qlen => 100000, flush_qlen => 200000, burst_limit_enable => false, sync_mode_qlen => 0},
          formatter => {logger_formatter, #{template => [msg, "\n"], single_line => true}}}),
    logger:set_primary_config(level, info),
    [logger:info("line ~4..0B ~s", [I, lists:duplicate(60, $x)]) || I <- lists:seq(1, 300)],
    ok = logger_disk_log_h:filesync(dl),
    ok = logger_std_h:filesync(sh),
    logger:remove_handler(dl), logger:remove_handler(sh),
    ok.
