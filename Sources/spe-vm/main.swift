print("spe-vm")
