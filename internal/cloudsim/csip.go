package cloudsim

// registerCSIP adds the Cloud Security Center actions.
func registerCSIP(t *tencentAPI) {}
