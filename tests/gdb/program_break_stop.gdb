echo @@ stop 1\n
kaal current
bt 1
kaal threads
kaal vspace client1
kaal vspace client2
kaal cspace client1
kaal cdt endpoint
echo @@ continue\n
continue
