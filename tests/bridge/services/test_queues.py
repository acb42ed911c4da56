from bridge.services.queues import GENERAL_QUEUE, queue_for


def test_queue_per_arrangeur_and_region() -> None:
    assert queue_for({"arrangeur": "uwv", "gemeente": "Almere"}) == "UWV"
    assert queue_for({"arrangeur": "gemeente", "gemeente": "Almere"}) == "Gemeente Almere"
    assert (
        queue_for({"arrangeur": "werkgeversservicepunt", "arbeidsmarktregio": "Flevoland"})
        == "Werkgeversservicepunt Flevoland"
    )
    assert (
        queue_for({"arrangeur": "sociale_partners", "arbeidsmarktregio": "Flevoland"})
        == "Sociale partners / Leerwerkloket Flevoland"
    )
    assert queue_for({"arrangeur": "gemeente"}) == GENERAL_QUEUE
    assert queue_for({}) == GENERAL_QUEUE
