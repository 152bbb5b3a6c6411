// The article's three alerts (error rate, response time, replicas down) as Azure Monitor
// metric alerts, all notifying one action group.

@description('Name of the action group.')
param actionGroupName string

@description('Prefix of the alert rule names.')
param alertNamePrefix string

@description('Tags applied to the action group and the alerts.')
param tags object

@description('Resource id of the Functions container app.')
param containerAppId string

@description('Resource id of the Application Insights component.')
param applicationInsightsId string

@description('E-mail addresses notified by the action group; empty creates the group without receivers.')
param emails array = []

@description('5xx responses in 5 minutes above which the error alert fires (the article used 10).')
@minValue(1)
param errorCountThreshold int = 10

@description('Average request duration in milliseconds over 10 minutes above which the latency alert fires (the article used 5000).')
@minValue(1)
param responseTimeThresholdMs int = 5000

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'agentcoord'
    enabled: true
    emailReceivers: [for (email, i) in emails: {
      name: 'email-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
  }
}

// Error rate: server errors answered by the app's ingress. Counted at the ingress, so it
// works even when telemetry from the app is missing.
resource errorRate 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${alertNamePrefix}high-error-rate'
  location: 'global'
  tags: tags
  properties: {
    description: 'More than ${errorCountThreshold} HTTP 5xx responses in 5 minutes.'
    severity: 1
    enabled: true
    scopes: [
      containerAppId
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'server-errors'
          metricNamespace: 'Microsoft.App/containerApps'
          metricName: 'Requests'
          dimensions: [
            {
              name: 'statusCodeCategory'
              operator: 'Include'
              values: [
                '5xx'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: errorCountThreshold
          timeAggregation: 'Total'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// Response time: server-side request duration recorded by the Functions host.
resource responseTime 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${alertNamePrefix}high-response-time'
  location: 'global'
  tags: tags
  properties: {
    description: 'Average request duration above ${responseTimeThresholdMs} ms over 10 minutes.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'request-duration'
          metricNamespace: 'microsoft.insights/components'
          metricName: 'requests/duration'
          operator: 'GreaterThan'
          threshold: responseTimeThresholdMs
          timeAggregation: 'Average'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// Replicas down: the app must always run at least one replica (minReplicas >= 1).
resource replicasDown 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${alertNamePrefix}replicas-down'
  location: 'global'
  tags: tags
  properties: {
    description: 'No running replica of the Functions app for 5 minutes.'
    severity: 0
    enabled: true
    scopes: [
      containerAppId
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'replicas'
          metricNamespace: 'Microsoft.App/containerApps'
          metricName: 'Replicas'
          operator: 'LessThan'
          threshold: 1
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id
