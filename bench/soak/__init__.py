"""The soak behind `make soak`: the default set-up under a steady load for half an hour.

`python -m bench.soak` serves the project as `make run` does (on the soak's own ports),
starts a mixed conversation every few seconds whatever the server's answers (an open
loop), reads each process's memory every minute, and judges the run: no failed turn, no
error in any server's log, and no process whose memory grew by 10% or more between the
end of the warm-up and the end. See bench/soak/__main__.py.
"""
