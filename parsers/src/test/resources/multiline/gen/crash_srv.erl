-module(crash_srv).
-behaviour(gen_server).
-export([start_link/0, init/1, handle_call/3, handle_cast/2]).
start_link() -> gen_server:start_link({local, crash_srv}, ?MODULE, [], []).
init([]) -> {ok, #{count => 0}}.
handle_call(crash, _From, _S) -> erlang:error({badmatch, {error, enoent}});
handle_call(_, _From, S) -> {reply, ok, S}.
handle_cast(_, S) -> {noreply, S}.
