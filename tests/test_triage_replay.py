"""`huying triage replay`: past requests through the duplicate filter in time order, on small files written here
(the measurement on real requests is in docs/NOTES.md)."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from huying.triage.replay import parse_time

HEADER = ["case_enquiry_id", "open_dt", "closed_dt", "case_title", "type", "latitude", "longitude", "closure_reason"]
DUPLICATE = "Case Closed Duplicate of Existing Case"
RESOLVED = "Case Closed Case Resolved"
FLOOD = "Water main break flooding the street in front of 40 Pine Street, water everywhere and rising fast"
# Each 0.00001 degree of latitude is about 1.1 m.
REQUESTS = [
    ("1", "2024-03-01 08:00:00", "2024-03-05 08:00:00", "Streetlight out at 12 Elm St, pole dark all night",
     "Street Light Outages", "42.35000", "-71.06", RESOLVED),
    ("2", "2024-03-01 10:00:00", "2024-03-01 11:00:00", "Street light out near 12 Elm Street, dark all night",
     "Street Light Outages", "42.35005", "-71.06", DUPLICATE),  # 5 m away, two hours later: suggested
    ("3", "2024-03-01 11:00:00", "", "Request for Pothole Repair", "Request for Pothole Repair", "42.36", "-71.07",
     RESOLVED),
    ("4", "2024-03-02 09:00:00", "", "Request for Pothole Repair", "Request for Pothole Repair", "42.36001", "-71.07",
     DUPLICATE),  # no words beyond the type, but the same spot: suggested
    ("5", "2024-03-03 08:00:00", "2024-03-03 09:00:00", "Graffiti Removal", "Graffiti Removal", "42.37", "-71.08",
     RESOLVED),
    ("6", "2024-03-03 12:00:00", "", "Graffiti Removal", "Graffiti Removal", "42.37", "-71.08",
     RESOLVED),  # 5 was closed an hour before 6 came in: recent, not open, and not suggested
    ("7", "2024-03-04 08:00:00", "2024-03-06 08:00:00", "Graffiti Removal", "Graffiti Removal", "42.38", "-71.09",
     RESOLVED),
    ("8", "2024-03-04 09:00:00", "", "Graffiti Removal", "Graffiti Removal", "42.38", "-71.09",
     DUPLICATE),  # 7 closed two days later, which nobody knew at 09:00: open, suggested
    ("9", "2024-03-05 09:00:00", "", "Tree down", "Tree Emergencies", "42.30", "-71.00", DUPLICATE),  # missed
    ("10", "2024-03-05 10:00:00", "", "Request for Pothole Repair", "Request for Pothole Repair", "42.36002",
     "-71.07", RESOLVED),  # suggested, though the city did not call it a duplicate
    ("11", "2024-03-06 08:00:00", "", FLOOD, "Water Main Break", "42.39", "-71.10", RESOLVED),
    ("12", "2024-03-06 08:30:00", "", FLOOD, "Water Main Break", "42.39", "-71.10", DUPLICATE),  # merged
]
BOSTON_OPTIONS = ["--time-col", "open_dt", "--text-col", "case_title", "--lat-col", "latitude", "--lon-col",
                  "longitude", "--category-col", "type", "--truth-col", "closure_reason", "--json"]
MESSAGES = [
    ("m1", "幸福里小区门口垃圾堆积", "2024/3/1 9:05:00",
     "幸福里小区东门门口的垃圾已经堆了三天没人清运，天气热了臭味很大，苍蝇很多，请尽快处理"),
    ("m2", "垃圾没人清运", "2024/3/2 10:00:00",
     "幸福里小区东门门口的垃圾堆了三天了还是没人来清运，臭味很大苍蝇很多，请尽快处理一下"),
    ("m3", "夜间施工噪音扰民", "2024/3/2 23:30:00",
     "光明路地铁站工地每天夜里十二点以后还在打桩施工，噪音太大，附近居民无法入睡"),
    ("m4", "询问社保转移", "2024/3/3 8:00:00", "请问外地社保转入本市需要带哪些材料，在哪个窗口办理，需要多长时间"),
]


def write_csv(path, header, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)


def replay(*args: str) -> dict:
    out = io.StringIO()
    call_command("triage", "replay", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def requests_csv(tmp_path):
    path = tmp_path / "requests.csv"
    write_csv(path, HEADER, REQUESTS)
    return path


def test_the_replay_counts_suggestions_and_merges_against_the_truth_column(requests_csv):
    result = replay("--data", str(requests_csv), *BOSTON_OPTIONS)
    assert (result["n"], result["truth"], result["flagged"], result["merged"], result["suggested"]) == (12, 5, 5, 1, 4)
    assert (result["precision"], result["recall"], result["f1"]) == (0.8, 0.8, 0.8)
    assert result["by_decision"]["merge"] == {"count": 1, "precision": 1.0, "recall": 0.2, "f1": 0.333}
    assert result["by_decision"]["suggest"]["count"] == 4 and result["by_decision"]["suggest"]["precision"] == 0.75
    assert result["closed_col"] == "closed_dt" and result["skipped"] == 0 and result["rows_per_second"] > 0


def test_a_case_is_open_until_its_closing_time_and_not_after(requests_csv):
    result = replay("--data", str(requests_csv), *BOSTON_OPTIONS, "--key-col", "case_enquiry_id", "--examples", "10")
    pairs = {(example["new"], example["old"]): example for example in result["examples"]}
    assert set(pairs) == {("2", "1"), ("4", "3"), ("8", "7"), ("10", "4"), ("12", "11")}
    assert pairs[("8", "7")]["evidence"]["old_open"] is True  # its closing came two days later
    assert pairs[("12", "11")]["action"] == "merge" and pairs[("12", "11")]["evidence"]["text_similarity"] == 1.0
    assert pairs[("2", "1")]["evidence"]["distance_m"] == 6 and pairs[("2", "1")]["truth"] is True


def test_without_closing_times_every_earlier_case_counts_as_open(requests_csv, tmp_path):
    unclosed = tmp_path / "unclosed.csv"
    write_csv(unclosed, [name for name in HEADER if name != "closed_dt"],
              [row[:2] + row[3:] for row in REQUESTS])
    result = replay("--data", str(unclosed), *BOSTON_OPTIONS)
    assert result["closed_col"] is None and result["flagged"] == 6  # now 6 repeats 5, closed or not


def test_the_naive_preset_is_same_type_open_within_50_metres_and_3_days(requests_csv):
    result = replay("--data", str(requests_csv), *BOSTON_OPTIONS, "--preset", "naive")
    assert result["policy"]["window_hours"] == 72 and result["policy"]["distance_m"] == 50
    # 2, 4, 8 and 12; 6 is out (5 had closed) and so is 10 (73 hours after 4)
    assert (result["flagged"], result["merged"], result["precision"]) == (4, 0, 1.0)


def test_chinese_messages_without_place_or_truth_are_replayed_by_their_words(tmp_path):
    path = tmp_path / "messages.csv"
    write_csv(path, ["id", "title", "time", "text"], MESSAGES)
    result = replay("--data", str(path), "--time-col", "time", "--text-col", "title", "--text-col", "text",
                    "--key-col", "id", "--examples", "5", "--json")
    assert (result["n"], result["flagged"], result["truth"], result["precision"]) == (4, 1, None, None)
    (example,) = result["examples"]
    assert (example["new"], example["old"], example["truth"]) == ("m2", "m1", None)
    assert example["evidence"]["distance_m"] is None and example["evidence"]["text_similarity"] > 0.5


def test_a_point_that_most_rows_share_is_a_geocoders_fallback_not_a_place(tmp_path):
    path = tmp_path / "fallback.csv"
    start = dt.datetime(2024, 3, 1)
    rows = [(str(i), f"{start + dt.timedelta(hours=3 * i):%Y-%m-%d %H:%M:%S}", "", "Sidewalk Repair",
             "Sidewalk Repair", "42.3594", "-71.0587", RESOLVED) for i in range(120)]
    write_csv(path, HEADER, rows)
    result = replay("--data", str(path), *BOSTON_OPTIONS)
    assert result["placeholder_points"] == [[42.3594, -71.0587]] and result["flagged"] == 0
    kept = replay("--data", str(path), *BOSTON_OPTIONS, "--placeholder-share", "1")
    assert kept["placeholder_points"] == [] and kept["flagged"] == 119


@pytest.mark.parametrize(("option", "value"), [("--time-col", "opened"), ("--text-col", "title"),
                                               ("--lat-col", "lat"), ("--category-col", "category"),
                                               ("--truth-col", "duplicate"), ("--closed-col", "closed")])
def test_a_column_missing_from_the_file_is_reported_with_its_option(requests_csv, option, value):
    args = dict(zip(BOSTON_OPTIONS[:-1:2], BOSTON_OPTIONS[1::2], strict=True))
    args[option] = value
    with pytest.raises(CommandError, match=f"^{option}: .*“{value}”"):
        replay("--data", str(requests_csv), *[part for pair in args.items() for part in pair])


def test_a_missing_file_is_reported_against_the_data_option(tmp_path):
    with pytest.raises(CommandError, match="^--data: "):
        replay("--data", str(tmp_path / "nowhere.csv"), *BOSTON_OPTIONS)


def test_latitude_without_longitude_is_refused(requests_csv):
    with pytest.raises(CommandError, match="^--lon-col: "):
        replay("--data", str(requests_csv), "--time-col", "open_dt", "--text-col", "case_title",
               "--lat-col", "latitude")


def test_a_policy_that_does_not_hold_together_is_refused(requests_csv):
    with pytest.raises(CommandError, match="^policy: "):
        replay("--data", str(requests_csv), *BOSTON_OPTIONS, "--suggest-score", "0.95")


def test_times_are_read_as_spreadsheets_write_them():
    assert parse_time("2011-07-01 01:32:33") == dt.datetime(2011, 7, 1, 1, 32, 33)
    assert parse_time("2019/2/28 11:25:05") == dt.datetime(2019, 2, 28, 11, 25, 5)
    assert parse_time("2019年2月8日 9:05") == dt.datetime(2019, 2, 8, 9, 5)
    assert parse_time("2024-03-01T08:00:00+08:00") == dt.datetime(2024, 3, 1, 0, 0)
    assert parse_time(dt.date(2024, 3, 1)) == dt.datetime(2024, 3, 1)
    assert parse_time("") is None and parse_time("soon") is None and parse_time("2019-02-30 10:00") is None
