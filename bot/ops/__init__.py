"""Operations on stored conversations: the tracker database, purge and the consultants' report."""
