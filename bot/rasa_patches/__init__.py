"""Changes to Rasa's internals, installed and removed by one registry
(bot.rasa_patches.registry): behaviour fixes (fixes/) and speed-ups (speedups/)."""
