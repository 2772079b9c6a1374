-module(crash_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).
start_link() -> supervisor:start_link({local, crash_sup}, ?MODULE, []).
init([]) -> {ok, {#{strategy => one_for_one, intensity => 5, period => 10},
                  [#{id => crash_srv, start => {crash_srv, start_link, []}}]}}.
