"""Where the consumer seeks back after a fetch whose records were not all delivered."""

from streams.kafka.internals import first_undelivered


def test_a_partition_dropped_whole_is_fetched_again_from_its_first_record() -> None:
    fetched = {"raw-0": [0, 1, 2], "raw-1": [5, 6]}
    assert first_undelivered(fetched, {"raw-1": {5, 6}}) == {"raw-0": 0}


def test_a_partition_dropped_part_way_is_fetched_again_from_the_first_missed_record() -> None:
    assert first_undelivered({"raw-0": [3, 4, 5, 6]}, {"raw-0": {3, 4}}) == {"raw-0": 5}


def test_a_gap_before_delivered_records_wins_over_them_at_the_cost_of_a_duplicate() -> None:
    assert first_undelivered({"raw-0": [3, 4, 5]}, {"raw-0": {4, 5}}) == {"raw-0": 3}


def test_nothing_to_seek_when_everything_was_delivered() -> None:
    assert first_undelivered({"raw-0": [0, 1]}, {"raw-0": {0, 1}}) == {}
    assert first_undelivered({}, {}) == {}
