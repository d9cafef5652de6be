"""The awarding app's pages, one module per audience.

- `instructor`: the course dashboard inside the LMS (progress, awards, rule mode, CSV);
- `instructor_setup`: the guided setup of a credential inside the LMS;
- `learner`: the learner's home and their own credential copies inside the LMS;
- `public`: evidence, achievement and achievement-image pages anyone may open.

Who may open which page is decided in `awarding.access`; reads come from
`awarding.selectors`, and every write goes through a service module.
"""
