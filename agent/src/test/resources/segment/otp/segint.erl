-module(segint).
-export([main/0]).
main() ->
    {ok, L} = disk_log:open([{name, il}, {file, "/tmp/seg-otp/internal.log"}, {type, wrap}, {size, {4000, 2}}, {format, internal}]),
    [ok = disk_log:log(L, {line, I, <<"hello">>}) || I <- lists:seq(1, 10)],
    ok = disk_log:close(L).
