"""``discharge-sim app``: a local web app, the second face of :mod:`discharge_sim.api` beside the
command line, for analysts who would rather not use a terminal.

It runs on the user's own machine and listens on 127.0.0.1 only: configs, extracts and results
never leave it. One module a job: :mod:`~discharge_sim.app.launch` starts the server,
:mod:`~discharge_sim.app.main` is the page, :mod:`~discharge_sim.app.params` turns settings tables
into config data and back, :mod:`~discharge_sim.app.sources` finds and reads configs,
:mod:`~discharge_sim.app.outputs` reads what a run wrote, :mod:`~discharge_sim.app.state` keeps what a
browser session holds between reruns of the page.
"""
