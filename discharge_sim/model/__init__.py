"""The simulation itself: patients, beds, staff, places and money on a SimPy clock, and the ledger
that gives every delayed bed-hour one cause. It reads a validated config and knows nothing of
files, figures or the command line; :func:`~discharge_sim.model.replication.run_replication` is
its one entry point."""
