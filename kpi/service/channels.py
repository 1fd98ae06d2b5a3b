"""Channel mix: the tickets of each channel (phone, e-mail, web, chat, SMS, fax, walk-in, social)
per day, week or month, with the service's own definitions: volume = the period's new tickets,
service level = new tickets done on time within the period (``service.service_level``), completed
and resolution time (median, P90) = the tickets completed in the period (``service.completed``,
``service.resolution_*``). With a cost per contact per channel, entered by the user and kept in
``channel_costs``, the cost of the mix, and what moving a share of one channel's contacts to another
would cost.

A ticket's channel is its export's word read through ``kpi.ingest.vocabularies.COMMON_CHANNEL``; a
word the vocabulary lacks is a channel of its own, marked unknown (``known`` false) and named by the
word, and a ticket without a channel is counted under none (``channel`` null): nothing is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import duckdb
import pandas as pd

from kpi import i18n, store
from kpi.engine import engine_of
from kpi.ingest.vocabularies import CHANNELS, channel_parameters, normalise_sql
from kpi.metrics import Metric
from kpi.service.durations import RESOLUTION_MICROSECONDS, percentiles
from kpi.service.periods import Period
from kpi.service.definitions import NEW, NEW_ON_TIME
from kpi.service.populations import ServiceQuery, with_populations
from kpi.service.semantic import ratio

GRAINS = ("day", "week", "month")
_SLICE = ["period_start", "period_end"]   # what tells the slices (and the whole period) apart
# The keys of every row, in order (docs/contact-centre.md "Channel mix" documents them).
KEYS = ("period", "channel", "known", "is_total", "created", "share", "completed", "new_on_time", "service_level",
        "resolution_median", "resolution_p90", "cost_per_contact", "cost", "uncosted")

_CHANNEL_SCOPE = ("tickets created in the period, by the channel they came through",
                  "本期提出的服務請求，依進線管道")
_COSTED = ("tickets created in the period through a channel with a cost per contact",
           "本期提出、且其管道有每件成本的服務請求")
METRICS = (
    Metric("channels.share", "管道占比", "Channel share",
           "這個管道的本期新增件數占所有管道本期新增件數的比例。",
           "The channel's new tickets as a share of all channels' new tickets in the period.",
           "new tickets through the channel", "new tickets through every channel", _CHANNEL_SCOPE[0], "ratio",
           numerator_zh="該管道的本期新增", denominator_zh="所有管道的本期新增", filters_zh=_CHANNEL_SCOPE[1]),
    Metric("channels.cost", "管道成本", "Cost of the mix",
           "各管道本期新增件數 × 該管道的每件成本，加總（沒有每件成本的管道不計）。",
           "Each channel's new tickets × its cost per contact, summed (channels without a cost left out).",
           "sum of new tickets × cost per contact", None, _COSTED[0], "currency", 0,
           numerator_zh="本期新增 × 每件成本 之和", filters_zh=_COSTED[1]),
    Metric("channels.cost_per_contact", "每件平均成本", "Average cost per contact",
           "管道成本 ÷ 有每件成本的管道的本期新增件數。",
           "The cost of the mix ÷ the new tickets of the channels with a cost.",
           "cost of the mix", "new tickets through channels with a cost", _COSTED[0], "currency", 0,
           numerator_zh="管道成本", denominator_zh="有每件成本的管道的本期新增", filters_zh=_COSTED[1]),
    Metric("channels.shift_difference", "移轉成本差額", "Cost difference of the shift",
           "把 A 管道 X% 的件數改由 B 管道處理後，管道成本的增減（負數為節省）。",
           "How the cost of the mix changes when X% of channel A's contacts go through channel B instead "
           "(negative: a saving).",
           "contacts moved × (cost per contact of B − cost per contact of A)", None, _COSTED[0], "currency", 0,
           numerator_zh="移轉件數 × (B 的每件成本 − A 的每件成本)", filters_zh=_COSTED[1]),
)


class ChannelCostError(ValueError):
    """Costs or a what-if that cannot be used; ``key`` and ``values`` give the translated message."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return i18n.t(self.key, lang, **self.values)


def slices(period: Period, grain: str) -> list[Period]:
    """``period`` cut into days, ISO weeks or calendar months; the first and last cut at its edges."""
    if grain not in GRAINS:
        raise ValueError(f"slice by one of {', '.join(GRAINS)}, not {grain!r}")
    cuts, start = [], period.start
    while start < period.end:
        if grain == "day":
            following = start + timedelta(days=1)
        elif grain == "week":
            following = start + timedelta(days=7 - start.weekday())
        else:
            following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        cuts.append(Period("range" if grain == "day" else grain, start, min(following, period.end)))
        start = following
    return cuts


def slice_label(start, grain: str) -> str:
    """2024-02-19, 2024-W08 or 2024-02: the day, ISO week or month a slice starts in."""
    if grain == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start:%Y-%m-%d}" if grain == "day" else f"{start:%Y-%m}"


_COMPLETED = "count(c.population) FILTER (WHERE c.population = 'completed')"
# In play for the new tickets and their service level, completed for the completions and their
# resolution times: the weekly report's and the duration figures' own populations and counts.
_MIX_SQL = f"""{with_populations("in_play", "completed")},
channel_words AS (
    SELECT known.word, known.channel
    FROM (SELECT unnest(CAST($channel_words AS STRUCT(word VARCHAR, channel VARCHAR)[])) AS known) AS asked
),
facts AS (
    SELECT 'in_play' AS population, period_start, period_end, channel, is_carried_over, outcome,
           NULL AS resolution_microseconds
    FROM in_play
    UNION ALL
    SELECT 'completed', period_start, period_end, channel, NULL, NULL, {RESOLUTION_MICROSECONDS} FROM completed
),
channelled AS (
    SELECT f.*, coalesce(w.channel, {normalise_sql("f.channel")}) AS mix_channel, w.channel IS NOT NULL AS known
    FROM facts f LEFT JOIN channel_words w ON w.word = {normalise_sql("f.channel")}
)
SELECT p.period_start, p.period_end, grouping(c.mix_channel) = 1 AS is_total, c.mix_channel AS channel,
    coalesce(c.known, false) AS known,
    {NEW.aggregate()} AS created,
    {_COMPLETED} AS completed,
    {NEW_ON_TIME.aggregate()} AS new_on_time,
    {ratio(NEW_ON_TIME.aggregate(), NEW.aggregate())} AS service_level,
    {percentiles("c.resolution_microseconds", "resolution")}
FROM periods p LEFT JOIN channelled c ON c.period_start = p.period_start AND c.period_end = p.period_end
GROUP BY GROUPING SETS ((p.period_start, p.period_end, c.mix_channel, c.known), (p.period_start, p.period_end))
HAVING grouping(c.mix_channel) = 1 OR {NEW.aggregate()} + {_COMPLETED} > 0
"""


@dataclass(frozen=True)
class ChannelMix:
    period: Period
    grain: str
    total: pd.DataFrame        # a row per channel over the whole period, then the total (``KEYS``)
    by_slice: pd.DataFrame     # the same per day, week or month, each slice's total last


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    """Slices in time order; in each, the known channels in ``CHANNELS`` order, the unknown words
    alphabetically, then the tickets without a channel, then the total."""
    rank = frame["channel"].map({channel: position for position, channel in enumerate(CHANNELS)})
    frame = frame.assign(
        _group=frame["is_total"] * 3 + frame["channel"].isna() * 2 + ~frame["known"] * 1,
        _rank=rank.where(frame["known"]), _word=frame["channel"].where(~frame["known"]))
    return (frame.sort_values(["period_start", "_group", "_rank", "_word"], kind="stable")
            .drop(columns=["_group", "_rank", "_word"]).reset_index(drop=True))


def with_costs(frame: pd.DataFrame, costs: Mapping[str, float]) -> pd.DataFrame:
    """Each channel row's cost per contact and cost (created × cost per contact, NaN without one);
    each total row's cost of the mix, average cost per contact over the costed channels, and the
    contacts left without a cost."""
    frame = frame.copy()
    channels = ~frame["is_total"]
    per_contact = frame["channel"].map(lambda channel: costs.get(channel, math.nan) if isinstance(channel, str)
                                       else math.nan).astype(float)
    frame["cost_per_contact"] = per_contact.where(channels)
    frame["cost"] = frame["created"] * frame["cost_per_contact"]
    frame["uncosted"] = frame["created"].where(frame["cost_per_contact"].isna(), 0)
    costed = frame[channels].assign(costed=lambda rows: rows["created"].where(rows["cost_per_contact"].notna(), 0))
    sums = costed.groupby(_SLICE).agg(mix_cost=("cost", lambda cost: cost.sum(min_count=1)),
                                      mix_uncosted=("uncosted", "sum"), costed=("costed", "sum"))
    totals = frame.loc[~channels, _SLICE].join(sums, on=_SLICE)
    frame.loc[~channels, "cost"] = totals["mix_cost"]
    frame.loc[~channels, "uncosted"] = totals["mix_uncosted"].fillna(0)
    frame.loc[~channels, "cost_per_contact"] = totals["mix_cost"] / totals["costed"].where(totals["costed"] > 0)
    return frame


def channel_mix(con: duckdb.DuckDBPyConnection, period: Period, grain: str, costs: Mapping[str, float],
                query: ServiceQuery = ServiceQuery()) -> ChannelMix:
    """The channel mix of ``period``, over it and per ``grain`` slice, costed with ``costs``."""
    cuts = slices(period, grain)
    asked = cuts if cuts == [period] else [*cuts, period]
    frame = engine_of(con).run(_MIX_SQL, query.params(asked) | channel_parameters())
    slice_total = frame["created"].where(frame["is_total"]).groupby([frame[c] for c in _SLICE]).transform("sum")
    frame["share"] = frame["created"] / slice_total.where(slice_total > 0)
    frame = with_costs(_order(frame), costs)
    frame["period"] = frame["period_start"].map(lambda start: slice_label(start, grain))
    whole = (frame["period_start"] == period.start) & (frame["period_end"] == period.end)
    total = frame[whole].assign(period=period.label).reset_index(drop=True)[list(KEYS)]
    by_slice = frame if cuts == [period] else frame[~whole]
    return ChannelMix(period, grain, total, by_slice.reset_index(drop=True)[[*KEYS, "period_start"]])


def load_costs(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """The stored cost per contact of each channel that has one."""
    return dict(con.execute("SELECT channel, cost_per_contact FROM channel_costs ORDER BY channel").fetchall())


def validate_costs(costs: Mapping[str, float | None]) -> dict[str, float]:
    """The costs to keep: a blank one is no cost; a negative or non-number one is refused."""
    kept = {}
    for channel, cost in costs.items():
        if cost is None or (isinstance(cost, float) and math.isnan(cost)):
            continue
        if not isinstance(cost, int | float) or not math.isfinite(cost) or cost < 0:
            raise ChannelCostError("channels.error.cost", channel=channel, cost=cost)
        kept[channel] = float(cost)
    return kept


def save_costs(con: duckdb.DuckDBPyConnection, costs: Mapping[str, float | None]) -> None:
    """Replace every stored cost per contact with ``costs`` (blank = none), in one transaction."""
    kept = validate_costs(costs)

    def replace(con_: duckdb.DuckDBPyConnection) -> None:
        con_.execute("DELETE FROM channel_costs")
        if kept:
            con_.executemany("INSERT INTO channel_costs (channel, cost_per_contact) VALUES (?, ?)", list(kept.items()))
        store.bump_data_version(con_)

    store.write(con, replace)


@dataclass(frozen=True)
class Shift:
    """Moving ``moved`` contacts from ``source`` to ``target``: the cost of the mix before and after."""

    source: str
    target: str
    moved: float
    cost_before: float
    cost_after: float
    created_after: dict[str, float]     # each channel's contacts after the move

    @property
    def difference(self) -> float:
        return self.cost_after - self.cost_before


def shift(created: Mapping[str, float], costs: Mapping[str, float], source: str, target: str,
          fraction: float) -> Shift:
    """What if ``fraction`` (0–1) of ``source``'s contacts went through ``target`` instead, each at
    its channel's cost per contact. Both channels need a cost; the cost of the mix counts the
    channels that have one, before and after alike."""
    if source == target:
        raise ChannelCostError("channels.error.same_channel")
    if not 0 <= fraction <= 1:
        raise ChannelCostError("channels.error.fraction", fraction=fraction)
    missing = [channel for channel in (source, target) if channel not in costs]
    if missing:
        raise ChannelCostError("channels.error.no_cost", channels=", ".join(missing))
    moved = created.get(source, 0) * fraction
    after = dict(created)
    after[source] = after.get(source, 0) - moved
    after[target] = after.get(target, 0) + moved

    def cost(volumes: Mapping[str, float]) -> float:
        return sum(volume * costs[channel] for channel, volume in volumes.items() if channel in costs)

    return Shift(source, target, moved, cost(created), cost(after), after)
