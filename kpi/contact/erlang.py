"""Agents needed to answer a queue's calls: Erlang C (callers wait forever) and Erlang A (callers
abandon after an exponentially distributed patience).

Notation: traffic A = calls × AHT ÷ interval length, in erlangs; N agents; AHT and every time in
seconds; a service level "85% within 15 s" is ``target=0.85, within_seconds=15``.

Erlang C, through the Erlang B recursion, which stays finite for thousands of agents where
A^N/N! overflows::

    B(0) = 1,   B(n) = A·B(n−1) / (n + A·B(n−1))
    C    = N·B(N) / (N − A·(1 − B(N)))            probability of waiting, N > A
    SL(t) = 1 − C·exp(−(N − A)·t / AHT)            share answered within t seconds
    ASA  = C·AHT / (N − A)                         average speed of answer
    occupancy = A / N

With N ≤ A the queue grows without bound: every caller waits, nobody within any t, ASA is
infinite and the agents are busy all the time.

Erlang A (Palm's M/M/N+M queue) follows A. Mandelbaum and S. Zeltyn, "Service Engineering in
Action: The Palm/Erlang-A Queue, with Applications to Call Centers", in *Advances in Services
Innovations*, Springer 2007, pp. 17–45 (doi:10.1007/978-3-540-29860-1_2), section 4. With
λ = A/AHT, μ = 1/AHT, θ = 1/patience, x = Nμ/θ, y = λ/θ, ρ = λ/(Nμ) = y/x, E = B(N)::

    A(x, y) = Σ_{j≥0} y^j / ((x+1)(x+2)…(x+j))   (= x·e^y·y^−x·γ(x, y), γ the lower incomplete gamma)
    P(wait > 0) = A·E / (1 + (A − 1)·E)
    P(abandon)  = P(wait > 0) · (1/(ρ·A) + 1 − 1/ρ)

The service level is the share of *offered* calls answered within t (abandoned calls count
against it, as a platform reporting "answered within t ÷ offered" does). Integrating the
paper's waiting-time density against the patience survival e^(−θv) gives, with q = e^(−θt),

    P(answered within t) = 1 − P(wait > 0)
                           + P(wait > 0)/A · (x/y) · [(A(x, y) − 1) − q^x·e^(y(1−q))·(A(x, yq) − 1)]

which tends to P(served) = 1 − P(abandon) as t → ∞. ASA is the mean wait of the answered
calls: a caller who finds j others queued ahead is answered with probability x/(x+j+1), after
a mean wait Σ_{k=0..j} 1/(θ(x+1+k)). Series are summed in log space, so overloaded queues
(A(x, y) beyond e^700) stay finite. As patience → ∞ every figure tends to Erlang C's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_TRAFFIC_ERLANGS = 100_000.0   # far beyond any one queue; bounds the agent search
_TOLERANCE = 1e-9                 # float noise in ratios such as 14 / 0.7 = 20.000000000000004


class InvalidStaffingInput(ValueError):
    """An input no queue can have (negative calls, a target of 100%, ...); the message says which."""


@dataclass(frozen=True)
class Performance:
    """How a queue fares with a given number of agents; fractions 0–1, times in seconds."""

    agents: int
    service_level: float
    asa_seconds: float
    probability_wait: float
    occupancy: float
    probability_abandon: float | None = None   # Erlang A only


@dataclass(frozen=True)
class Staffing:
    """The agents a target needs, the scheduled head count after shrinkage, and how the queue fares."""

    agents: int
    scheduled: int
    traffic_erlangs: float
    performance: Performance


def traffic_erlangs(calls, interval_seconds: float, aht_seconds):
    """Offered load A = calls × AHT ÷ interval length (numbers or numpy arrays)."""
    return calls * aht_seconds / interval_seconds


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of N agents with no queue, by the recursion B(n) = A·B/(n + A·B)."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def probability_wait(agents: int, traffic: float) -> float:
    """Erlang C: the share of callers who find every agent busy (1 when N ≤ A)."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, aht_seconds: float, within_seconds: float) -> float:
    """Erlang C: share of callers answered within ``within_seconds``, 1 − C·e^(−(N−A)·t/AHT)."""
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    waiting = probability_wait(agents, traffic)
    return 1 - waiting * math.exp(-(agents - traffic) * within_seconds / aht_seconds)


def average_speed_of_answer(agents: int, traffic: float, aht_seconds: float) -> float:
    """Erlang C: mean wait over all callers, C·AHT/(N − A) seconds (infinite when N ≤ A)."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return probability_wait(agents, traffic) * aht_seconds / (agents - traffic)


def occupancy(agents: int, traffic: float) -> float:
    """Share of the agents' time spent on calls, A/N, at most 1."""
    return min(traffic / agents, 1.0) if agents else 0.0


def erlang_c(agents: int, traffic: float, aht_seconds: float, within_seconds: float) -> Performance:
    return Performance(agents, service_level(agents, traffic, aht_seconds, within_seconds),
                       average_speed_of_answer(agents, traffic, aht_seconds),
                       probability_wait(agents, traffic), occupancy(agents, traffic))


def erlang_a(agents: int, traffic: float, aht_seconds: float, patience_seconds: float,
             within_seconds: float) -> Performance:
    """Erlang A (M/M/N+M): the Mandelbaum–Zeltyn formulas in the module docstring."""
    if traffic == 0:
        return Performance(agents, 1.0, 0.0, 0.0, 0.0, 0.0)
    if agents == 0:       # nobody answers: every caller waits until they give up
        return Performance(0, 0.0, math.inf, 1.0, 0.0, 1.0)
    blocking = erlang_b(agents, traffic)
    if blocking == 0.0:   # so many agents per erlang that nobody ever waits (B underflowed)
        return Performance(agents, 1.0, 0.0, 0.0, traffic / agents, 0.0)
    x = agents * patience_seconds / aht_seconds
    y = traffic * patience_seconds / aht_seconds
    queued = _log_queue_terms(x, y)                  # log of the terms of A(x, y), j = 0, 1, ...
    log_a = _log_sum(queued)
    waits = 1 / (1 + (1 - blocking) * math.exp(-(log_a + math.log(blocking))))
    rho = y / x
    abandons = waits * (math.exp(-math.log(rho) - log_a) + 1 - 1 / rho)

    log_q = -within_seconds / patience_seconds
    later = _log_queue_terms(x, y * math.exp(log_q))
    answered_after_wait = (x / y) * (
        math.exp(_log_sum(queued[1:]) - log_a)
        - math.exp(x * log_q + y * -math.expm1(log_q) + _log_sum(later[1:]) - log_a))
    level = 1 - waits + waits * answered_after_wait

    ahead = np.arange(queued.size)
    weights = np.exp(queued - log_a)                 # P(j queued ahead | the caller waits)
    served = x / (x + ahead + 1)
    mean_waits = patience_seconds * np.cumsum(1 / (x + 1 + ahead))
    asa = waits * float(np.sum(weights * served * mean_waits)) / (1 - abandons)
    return Performance(agents, min(max(level, 0.0), 1.0), asa, waits,
                       traffic * (1 - abandons) / agents, min(max(abandons, 0.0), 1.0))


def _log_queue_terms(x: float, z: float) -> np.ndarray:
    """log of z^j / ((x+1)…(x+j)) for j = 0, 1, …, far enough that the tail adds below 1e-30."""
    if z == 0:
        return np.zeros(1)
    # Terms grow while x + j < z, then fall off like a Poisson tail of width √z.
    count = int(max(z - x, 0.0) + 12 * math.sqrt(z) + 50)
    steps = math.log(z) - np.log(x + np.arange(1, count + 1))
    return np.concatenate(([0.0], np.cumsum(steps)))


def _log_sum(logs: np.ndarray) -> float:
    if logs.size == 0:
        return -math.inf
    top = float(logs.max())
    return top + math.log(float(np.exp(logs - top).sum()))


def performance(agents: int, traffic: float, aht_seconds: float, within_seconds: float,
                patience_seconds: float | None = None) -> Performance:
    """Erlang A when the callers' mean patience is known, Erlang C otherwise."""
    if patience_seconds is None:
        return erlang_c(agents, traffic, aht_seconds, within_seconds)
    return erlang_a(agents, traffic, aht_seconds, patience_seconds, within_seconds)


def agents_required(calls, interval_seconds: float, aht_seconds, target: float, within_seconds: float,
                    max_occupancy: float | None = None, patience_seconds: float | None = None):
    """The smallest N whose service level meets ``target`` (and whose occupancy stays at or under
    ``max_occupancy``). ``calls`` and ``aht_seconds`` may be numpy arrays (one value per interval
    and queue): Erlang C then runs the recursion once for all of them. No calls need no agents."""
    _check(interval_seconds=interval_seconds, target=target, within_seconds=within_seconds,
           max_occupancy=max_occupancy, patience_seconds=patience_seconds)
    traffic = np.asarray(traffic_erlangs(np.asarray(calls, dtype=float), interval_seconds,
                                         np.asarray(aht_seconds, dtype=float)))
    if not np.all(np.isfinite(traffic)) or np.any(traffic < 0) or np.any(np.asarray(aht_seconds) <= 0):
        raise InvalidStaffingInput("calls must be 0 or more and the handle time above 0")
    if np.any(traffic > MAX_TRAFFIC_ERLANGS):
        raise InvalidStaffingInput(f"the traffic is above {MAX_TRAFFIC_ERLANGS:,.0f} erlangs")
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=float), traffic.shape)
    floor = _occupancy_floor(traffic, max_occupancy)
    if patience_seconds is None:
        agents = _erlang_c_required(traffic, aht, target, within_seconds, floor)
    else:
        agents = np.array([_erlang_a_required(a, h, target, within_seconds, patience_seconds, f)
                           for a, h, f in zip(traffic.ravel(), aht.ravel(), floor.ravel())],
                          dtype=int).reshape(traffic.shape)
    return int(agents) if agents.ndim == 0 else agents


def _occupancy_floor(traffic: np.ndarray, max_occupancy: float | None) -> np.ndarray:
    """Fewest agents keeping A/N ≤ cap: N ≥ A/cap."""
    if max_occupancy is None:
        return np.zeros(traffic.shape, dtype=int)
    return np.ceil(traffic / max_occupancy - _TOLERANCE).astype(int)


def _erlang_c_required(traffic: np.ndarray, aht: np.ndarray, target: float, within: float,
                       floor: np.ndarray) -> np.ndarray:
    """One pass of the Erlang B recursion over n = 1, 2, … for every queue at once; each queue
    keeps the first n that meets the target and leaves the pass."""
    agents = np.zeros(traffic.shape, dtype=int)
    pending = traffic > 0
    blocking = np.ones(traffic.shape)
    n = 0
    while pending.any():
        n += 1
        blocking = traffic * blocking / (n + traffic * blocking)
        stable = pending & (n > traffic)
        if not stable.any():
            continue
        spare = np.where(stable, n - traffic, 1.0)
        waiting = n * blocking / (spare + traffic * blocking)        # N·B / (N − A(1 − B))
        level = 1 - waiting * np.exp(-spare * within / aht)
        meets = stable & (level >= target - 1e-12) & (n >= floor)
        agents[meets] = n
        pending &= ~meets
    return agents


def _erlang_a_required(traffic: float, aht: float, target: float, within: float, patience: float,
                       floor: int) -> int:
    if traffic == 0:
        return 0
    n = max(floor, 1)
    while erlang_a(n, traffic, aht, patience, within).service_level < target - 1e-12:
        n += 1
    return n


def scheduled_agents(agents, shrinkage: float):
    """Head count to roster so that ``agents`` (a number or an array) are on the phones:
    ⌈N / (1 − shrinkage)⌉."""
    _check(shrinkage=shrinkage)
    scheduled = np.ceil(np.asarray(agents) / (1 - shrinkage) - _TOLERANCE).astype(int)
    return int(scheduled) if scheduled.ndim == 0 else scheduled


def staffing(calls: float, interval_seconds: float, aht_seconds: float, target: float,
             within_seconds: float, shrinkage: float = 0.0, max_occupancy: float | None = None,
             patience_seconds: float | None = None) -> Staffing:
    """Required and scheduled agents for one interval, and how the queue fares with them."""
    _check(calls=calls, aht_seconds=aht_seconds, shrinkage=shrinkage)
    agents = agents_required(calls, interval_seconds, aht_seconds, target, within_seconds,
                             max_occupancy, patience_seconds)
    traffic = traffic_erlangs(calls, interval_seconds, aht_seconds)
    return Staffing(agents, scheduled_agents(agents, shrinkage), traffic,
                    performance(agents, traffic, aht_seconds, within_seconds, patience_seconds))


def _check(**values) -> None:
    """Each named input within its range, or InvalidStaffingInput naming it."""
    rules = {
        "calls": (lambda v: math.isfinite(v) and v >= 0, "calls must be 0 or more"),
        "interval_seconds": (lambda v: math.isfinite(v) and v > 0, "the interval must be longer than 0"),
        "aht_seconds": (lambda v: math.isfinite(v) and v > 0, "the average handle time must be above 0 seconds"),
        "target": (lambda v: 0 < v < 1, "the target is a fraction above 0 and below 1, e.g. 0.85 for 85%"),
        "within_seconds": (lambda v: math.isfinite(v) and v >= 0, "the answer time must be 0 seconds or more"),
        "shrinkage": (lambda v: 0 <= v < 1, "shrinkage is a fraction from 0 up to (not including) 1, e.g. 0.3"),
        "max_occupancy": (lambda v: v is None or 0 < v <= 1,
                          "the maximum occupancy is a fraction above 0 and at most 1, e.g. 0.85"),
        "patience_seconds": (lambda v: v is None or (math.isfinite(v) and v > 0),
                             "the mean patience must be above 0 seconds"),
    }
    for name, value in values.items():
        valid, message = rules[name]
        if not valid(value):
            raise InvalidStaffingInput(message)
