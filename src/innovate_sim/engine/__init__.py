"""The simulation kernel: simpy with an hour clock, timers and recorders; nothing of AWS."""

from innovate_sim.engine.core import Interrupt, Simulation, Timer
from innovate_sim.engine.recorders import EventLog, StateTime, TimeWeighted

__all__ = ["EventLog", "Interrupt", "Simulation", "StateTime", "TimeWeighted", "Timer"]
