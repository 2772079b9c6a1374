%% Logs numbered erlmcp v3 JSON lines through a real OTP logger handler, for ferry's OTP rotation tests
%% (dev.ferry.agent.otp.ErlangLogger compiles it with erlc and runs it with erl -noshell).
%%
%%   erl -noshell -pa EBIN -run ferry_otp_logger main std|wrap FILE FIRST_SEQ COUNT RATE MAX_NO_BYTES MAX_NO_FILES
%%
%% std:  logger_std_h, max_no_bytes/max_no_files, compress_on_rotate => true
%%       (FILE -> FILE.0 -> FILE.0.gz, older .N.gz shifted up, the oldest deleted).
%% wrap: logger_disk_log_h, type => wrap (external format): FILE.1 .. FILE.N, FILE.idx, FILE.siz;
%%       a file is truncated and rewritten when the ring comes back to it.
%% RATE is lines per second (0: as fast as the handler writes). Overload protection is set so that OTP
%% itself drops nothing: sync_mode_qlen => 0 makes every log call wait for the handler, and drop mode,
%% flush and the burst limit are out of reach. The handler is filesynced and removed before the node
%% halts, so no event stays queued. Prints "ferry_otp_logger: wrote COUNT lines" and exits 0, or prints
%% the error to stderr and exits 1.
%%
%% This module is also the handler's formatter (format/2): one JSON object per event, in the shape of
%% shared/bench/gen_erlmcp.py (timestamp, level, logger, message, metadata{...}, fields{..., seq}).
%% OTP 25 has no JSON module: strings are escaped here.
-module(ferry_otp_logger).
-export([main/1, format/2, check_config/1]).
-include_lib("kernel/include/logger.hrl").

-define(HANDLER, ferry_h).
-define(PATHS, {<<"/v3/tools/call">>, <<"/v3/resources/read">>, <<"/v3/sessions">>, <<"/v3/prompts/get">>}).

main([Kind, File, First, Count, Rate, MaxBytes, MaxFiles]) ->
    try
        N = list_to_integer(Count),
        run(list_to_atom(Kind), File, list_to_integer(First), N, list_to_integer(Rate),
            list_to_integer(MaxBytes), list_to_integer(MaxFiles)),
        io:format("ferry_otp_logger: wrote ~b lines~n", [N]),
        halt(0)
    catch C:E:S ->
        io:format(standard_error, "ferry_otp_logger: ~p:~p~n~p~n", [C, E, S]),
        halt(1)
    end;
main(Args) ->
    io:format(standard_error, "ferry_otp_logger: bad arguments ~p~n", [Args]),
    halt(2).

run(Kind, File, First, Count, Rate, MaxBytes, MaxFiles) ->
    _ = logger:remove_handler(default),
    ok = logger:set_primary_config(level, info),
    NoDrops = #{sync_mode_qlen => 0, drop_mode_qlen => 1000000, flush_qlen => 2000000,
                burst_limit_enable => false, overload_kill_enable => false},
    {Module, Config} =
        case Kind of
            std -> {logger_std_h, NoDrops#{file => File, max_no_bytes => MaxBytes, max_no_files => MaxFiles,
                                           compress_on_rotate => true}};
            wrap -> {logger_disk_log_h, NoDrops#{file => File, type => wrap, max_no_bytes => MaxBytes,
                                                 max_no_files => MaxFiles}}
        end,
    ok = logger:add_handler(?HANDLER, Module, #{config => Config, formatter => {?MODULE, #{}}}),
    Start = erlang:monotonic_time(microsecond),
    log_lines(First, First + Count, First, Rate, Start),
    ok = Module:filesync(?HANDLER),
    ok = logger:remove_handler(?HANDLER).

log_lines(End, End, _First, _Rate, _Start) ->
    ok;
log_lines(I, End, First, Rate, Start) ->
    pace(I - First, Rate, Start),
    Fields = #{method => <<"POST">>, path => element(I rem 4 + 1, ?PATHS),
               status => case I rem 97 of 0 -> 500; _ -> 200 end,
               duration_ms => 1 + (I * 7919) rem 900, user_id => iolist_to_binary(["user-", integer_to_list(I rem 10000)]),
               seq => I},
    case {I rem 97, I rem 13} of
        {0, _} -> ?LOG_ERROR("Tool call failed: ~p in \"~s\"", [{badmatch, {error, timeout}}, "fetch"], #{fields => Fields});
        {_, 0} -> ?LOG_WARNING("Slow tool call: ~b ms", [I rem 5000], #{fields => Fields});
        _ -> ?LOG_INFO("HTTP request processed", [], #{fields => Fields})
    end,
    log_lines(I + 1, End, First, Rate, Start).

%% Sleeps until line number N (from 0) is due at RATE lines per second.
pace(_N, 0, _Start) ->
    ok;
pace(N, Rate, Start) ->
    Due = Start + N * 1000000 div Rate,
    case Due - erlang:monotonic_time(microsecond) of
        Wait when Wait >= 1000 -> timer:sleep(Wait div 1000);
        _ -> ok
    end.

%% ---- formatter ----

check_config(_) -> ok.

format(#{level := Level, msg := Msg, meta := Meta}, _Config) ->
    Message = case Msg of
                  {string, S} -> S;
                  {report, R} -> io_lib:format("~0p", [R]);
                  {Fmt, Args} -> io_lib:format(Fmt, Args)
              end,
    {M, F, A} = maps:get(mfa, Meta, {undefined, undefined, 0}),
    Time = calendar:system_time_to_rfc3339(maps:get(time, Meta) div 1000,
                                            [{unit, millisecond}, {offset, "Z"}]),
    [${,
     kv(<<"timestamp">>, str(Time)), $,,
     kv(<<"level">>, str(atom_to_list(Level))), $,,
     kv(<<"logger">>, str(<<"erlmcp">>)), $,,
     kv(<<"message">>, str(Message)), $,,
     kv(<<"metadata">>, [${,
                         kv(<<"module">>, str(atom_to_list(M))), $,,
                         kv(<<"function">>, str(io_lib:format("~s/~b", [F, A]))), $,,
                         kv(<<"line">>, integer_to_list(maps:get(line, Meta, 0))), $,,
                         kv(<<"pid">>, str(pid_to_list(maps:get(pid, Meta)))),
                         $}]), $,,
     kv(<<"fields">>, object(maps:get(fields, Meta, #{}))),
     $}, $\n].

object(Map) ->
    Pairs = [kv(atom_to_binary(K), value(V)) || {K, V} <- lists:sort(maps:to_list(Map))],
    [${, lists:join($,, Pairs), $}].

value(V) when is_integer(V) -> integer_to_list(V);
value(V) -> str(V).

kv(Key, Value) -> [str(Key), $:, Value].

str(S) -> [$", escape(unicode:characters_to_list(S)), $"].

escape([]) -> [];
escape([$" | T]) -> [$\\, $" | escape(T)];
escape([$\\ | T]) -> [$\\, $\\ | escape(T)];
escape([$\n | T]) -> [$\\, $n | escape(T)];
escape([$\r | T]) -> [$\\, $r | escape(T)];
escape([$\t | T]) -> [$\\, $t | escape(T)];
escape([C | T]) when C < 16#20 -> [io_lib:format("\\u~4.16.0b", [C]) | escape(T)];
escape([C | T]) -> [C | escape(T)].
