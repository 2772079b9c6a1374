#!/bin/sh
# $1 = legacy_header true|false, $2 = output file
erl -noshell -pa /tmp/otp -eval "
  logger:set_primary_config(level, info),
  ok = logger:remove_handler(default),
  ok = logger:add_handler(default, logger_std_h, #{level => info,
        config => #{file => \"$2\", file_check => 0},
        formatter => {logger_formatter, #{legacy_header => $1, single_line => false}}}),
  {ok, _} = crash_sup:start_link(),
  catch gen_server:call(crash_srv, crash),
  timer:sleep(200),
  error_logger:error_report([{module, demo}, {reason, disk_full}, {free_bytes, 0}]),
  error_logger:info_msg(\"listener started on port ~p~n\", [8080]),
  error_logger:error_msg(\"~s~n\", [\"plain error message\"]),
  logger:warning(\"cache miss rate ~p%\", [42]),
  logger:error(#{what => connection_lost, peer => {127,0,0,1}, retries => 3}),
  timer:sleep(200),
  logger_std_h:filesync(default),
  init:stop()."
