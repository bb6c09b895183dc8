"""Weekly and monthly reports (周报 / 月报): writing, reviewing, reminding; the roster behind them."""
