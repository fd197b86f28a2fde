# At session 6's first stop (step_break.gdb).
echo @@ stop 1\n
kaal current
bt 1
next
echo @@ after next\n
kaal current
bt 1
next
echo @@ after next 2\n
kaal current
bt 1
echo @@ continue\n
continue
