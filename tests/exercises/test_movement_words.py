from exercises.movements import PATIENT_WORDS, Movement


def test_every_movement_has_words_for_the_patient():
    assert set(PATIENT_WORDS) == set(Movement)
    # Plain words, not the clinician's label: no "spinal", "flexion", "prone"…
    for words in PATIENT_WORDS.values():
        assert not {"spinal", "flexion", "extension", "prone", "supine", "rotation"} & set(str(words).split())
