"""The simulation kernel: simpy with an hour clock, timers and a time-weighted recorder.

Nothing of AWS, pandas or matplotlib.
"""

from innovate_sim.engine.core import Simulation, Timer
from innovate_sim.engine.recorders import TimeWeighted

__all__ = ["Simulation", "TimeWeighted", "Timer"]
