!BAT
# exit N: 0 returns normally, N >= 1 fails with errnum 1000+N
echo exit.bat: leaving with %1
exit %1
echo exit.bat: not reached
