"""The stages' record-to-record functions (pure: no Kafka), one module per stage, and
:mod:`streams.stages.base`, which says what a stage is and runs any of them."""
