"""What the architecture must carry, known before any simulation: demand, packing, sizing.

The layer between the scenario language and the two things built from it —
the simulated architecture (:mod:`innovate_sim.aws`) and the bill
(:mod:`innovate_sim.cost`) — so that both read one demand curve, one
bin-packing and one steady-state sizing.
"""
