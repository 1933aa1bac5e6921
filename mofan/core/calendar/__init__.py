"""Work calendar as stored: entered schedules and overrides (``models``), an organ's
calendar and the entry of a year's official schedule (``services``), and its screens
(``views``). The day arithmetic itself is ``mofan.core.workcalendar``."""
